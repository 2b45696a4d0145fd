/** Counting events per whole second of a clock (the rate budget's calls sent). */
/** Events per whole second of the clock: this second's count and the last second's. */
export class PerSecond {
  #second = 0;
  #current = 0;
  #previous = 0;
  constructor(private readonly now: () => number) {}

  count(): void {
    this.#roll();
    this.#current++;
  }

  /** The busier of this second and the last. */
  recent(): number {
    this.#roll();
    return Math.max(this.#current, this.#previous);
  }

  #roll(): void {
    const second = Math.floor(this.now() / 1000);
    if (second === this.#second) return;
    this.#previous = second === this.#second + 1 ? this.#current : 0;
    this.#second = second;
    this.#current = 0;
  }
}
