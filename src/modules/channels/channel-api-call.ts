import type { ChannelFetch } from './channel-fetch.js';

/** What a channel API call reports besides its answer: throttling, for the channel's health. */
export interface CallObserver {
  throttled(message: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One request to a channel's API with its rate-limit manners: a 429 waits what Retry-After says
 * (capped) and tries again, a 5xx or a dropped connection backs off and tries again, up to `tries`.
 * Anything else that is not a 2xx is an error with the channel's answer in it.
 */
export async function callChannel(
  fetchFn: ChannelFetch,
  url: URL,
  init: RequestInit,
  observer: CallObserver,
  options: { tries?: number; maxWaitMs?: number } = {},
): Promise<Response> {
  const tries = options.tries ?? 6;
  const maxWait = options.maxWaitMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined;
    let failure: string;
    try {
      res = await fetchFn(url, init);
      if (res.ok) return res;
      failure = `${init.method ?? 'GET'} ${url.pathname} answered ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (error) {
      failure = `${init.method ?? 'GET'} ${url.pathname} failed: ${(error as Error).message}`;
    }
    const retryable = !res || res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= tries) throw new Error(failure);
    let wait = Math.min(maxWait, 100 * 2 ** attempt);
    if (res?.status === 429) {
      observer.throttled(failure);
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after >= 0) wait = Math.min(maxWait, after * 1000);
    }
    await sleep(wait);
  }
}
