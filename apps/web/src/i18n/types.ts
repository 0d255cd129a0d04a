/** The shape of a message tree with every leaf a string: another locale must have the same keys. */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
