/** No non-urgent SMS from 22:00 to 08:00 where the buyer is: such a message waits for the morning. */
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

function localClock(at: Date, timeZone: string): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** When the quiet hours around `at` end in `timeZone` (the next 08:00 there), or null if `at` is not in them. */
export function quietHoursEnd(at: Date, timeZone: string): Date | null {
  const { hour, minute, second } = localClock(at, timeZone);
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return null;
  const hoursLeft = hour >= QUIET_FROM_HOUR ? 24 - hour + QUIET_UNTIL_HOUR : QUIET_UNTIL_HOUR - hour;
  // Whole local hours to 08:00, less the minutes and seconds already gone (zones with DST shift by an
  // hour at most twice a year; a message then waits an hour more or less, still outside quiet hours or
  // re-checked when it is claimed).
  const ms = (hoursLeft * 3600 - minute * 60 - second) * 1000;
  return new Date(Math.floor(at.getTime() / 1000) * 1000 + ms);
}
