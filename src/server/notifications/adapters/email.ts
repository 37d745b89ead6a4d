import { createTransport } from 'nodemailer';
import { htmlOf, type Notification } from '../messages';
import type { SendOutcome } from './outcome';

type Transport = ReturnType<typeof createTransport>;

/**
 * Sends through SMTP_URL from SMTP_FROM, one transport per process. The URL holds the SMTP
 * password: it is never logged, and nodemailer's own logger stays off.
 */
export class EmailSender {
  private transport: Transport | null = null;

  constructor(
    private readonly smtpUrl: string | undefined,
    private readonly from: string,
    private readonly timeoutMs: number,
  ) {}

  async send(to: string[], n: Notification): Promise<SendOutcome> {
    if (!this.smtpUrl) {
      return { ok: false, retry: false, status: null, error: 'SMTP_URL is not set on the server' };
    }
    this.transport ??= createTransport({
      url: this.smtpUrl,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      logger: false,
    });
    try {
      await this.transport.sendMail({
        from: this.from,
        to,
        subject: n.subject,
        text: n.text,
        html: htmlOf(n),
        headers: { 'X-Stock-Scheduler-Event': n.event, 'X-Stock-Scheduler-Delivery': n.event_id },
      });
      return { ok: true, status: 250 };
    } catch (error) {
      const e = error as {
        responseCode?: number;
        response?: string;
        code?: string;
        message?: string;
      };
      // 5xx from the server is a refusal (no such mailbox); 4xx and broken connections retry.
      const status = typeof e.responseCode === 'number' ? e.responseCode : null;
      const reason = e.response ?? e.message ?? String(error);
      return {
        ok: false,
        retry: status === null || status < 500,
        status,
        error: `SMTP ${status ?? e.code ?? 'error'}: ${reason.replace(/\/\/[^@\s]*@/g, '//***@')}`,
      };
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}
