import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'lyceum:public';
/** The route answers anonymous callers too; the context still carries the user when signed in. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
