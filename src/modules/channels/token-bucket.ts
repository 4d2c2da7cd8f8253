/**
 * A token bucket: `burst` tokens, refilled at `ratePerSecond`. Amazon's SP-API publishes its limits in
 * this shape (getOrders: 0.0167 requests/s, burst 20), and Shopify's leaky bucket is the same thing
 * seen from the other side. The client waits for a token before each call, so in steady state it never
 * meets a 429; the fake servers keep one too and answer 429 when a caller does not.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Takes `cost` tokens if there are that many; false (nothing taken) otherwise. */
  tryTake(cost = 1): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are there (0 when they are now). */
  waitFor(cost = 1): number {
    this.refill();
    if (this.tokens >= cost) return 0;
    return Math.ceil(((cost - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** Waits until `cost` tokens are there, then takes them. */
  async take(cost = 1): Promise<void> {
    for (;;) {
      const wait = this.waitFor(cost);
      if (wait === 0 && this.tryTake(cost)) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 1)));
    }
  }

  /** What is left now (Shopify reports this as `currentlyAvailable`). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Brings the local picture in line with what the other side reports (its bucket is the truth). */
  sync(available: number): void {
    this.refill();
    this.tokens = Math.min(this.burst, available);
  }
}
