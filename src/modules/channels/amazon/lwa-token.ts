/**
 * Login with Amazon: SP-API calls carry an access token (`x-amz-access-token`) that the seller's
 * refresh token is exchanged for at the LWA token endpoint. Tokens live an hour; we keep one until a
 * minute before it runs out, and one exchange at a time serves every caller waiting for it.
 */
export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export class LwaTokens {
  private token: { value: string; until: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: LwaCredentials,
    private readonly tokenUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.until) return this.token.value;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token (the API said it is no longer good). */
  invalidate(): void {
    this.token = undefined;
  }

  private async exchange(): Promise<string> {
    const res = await this.fetchFn(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.credentials.refreshToken,
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
      }).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || typeof body.access_token !== 'string')
      throw new Error(`Login with Amazon refused the refresh token (HTTP ${res.status})`);
    const lifetime = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.token = { value: body.access_token, until: Date.now() + Math.max(0, lifetime - 60_000) };
    return body.access_token;
  }
}
