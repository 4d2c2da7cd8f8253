/** A message as a channel sends it, rendered, its unsubscribe link put in. */
export interface OutgoingMessage {
  id: string;
  kind: string;
  orderId: string;
  orderNumber?: string;
  recipient: string;
  subject: string | null;
  body: string;
  smsTemplateCode: string | null;
  smsParams: Record<string, string> | null;
  /** Set for what can be unsubscribed from: the one-click URL (List-Unsubscribe). */
  unsubscribeUrl: string | null;
}

/** An outside party that delivers messages: SMTP, an SMS gateway, a helpdesk. */
export interface NotificationChannel {
  /** Resolves once the party accepted the message (the SMTP 250, the gateway's OK), with its id for it. */
  send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }>;
  close?(): void;
}

/** A refusal that trying again cannot fix (an address the gateway rejects): the message fails at once. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}
