/**
 * A fixed set of numbered run slots: at most `size` sandboxes at once in this process, and each
 * run knows its slot number (which picks its uid when running as root). Waiters are served first
 * come, first served.
 */
export class SlotPool {
  private readonly free: number[];
  private readonly waiting: ((slot: number) => void)[] = [];

  constructor(readonly size: number) {
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  acquire(): Promise<number> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  get busy(): number {
    return this.size - this.free.length;
  }
}
