/**
 * How a notification goes out. Apart from the kinds (notification-kinds.ts), which know customers'
 * categories: the table types (joined into the app's Database) import only this.
 */
export const CHANNELS = ['email', 'sms', 'helpdesk'] as const;
export type Channel = (typeof CHANNELS)[number];
