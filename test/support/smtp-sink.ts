/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package) that accepts every message, with
 * a user and password, and keeps each one parsed by mailparser.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  /** `smtp://user:pass@127.0.0.1:port` */
  url: string;
  password: string;
  messages: ParsedMail[];
  /** Answer the next messages with these SMTP codes (e.g. 550) instead of accepting them. */
  refuse(...codes: number[]): void;
  waitForMessages(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const refusals: number[] = [];
  const waiters = new Set<() => void>();
  const password = `smtp-pass-${Math.random().toString(36).slice(2)}`;
  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'notify' && auth.password === password)
        callback(null, { user: 'notify' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      const code = refusals.shift();
      if (code !== undefined) {
        stream.resume();
        stream.on('end', () =>
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: code })),
        );
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          for (const w of waiters) w();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://notify:${password}@127.0.0.1:${port}`,
    password,
    messages,
    refuse: (...codes) => void refusals.push(...codes),
    waitForMessages: (n, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${messages.length} of ${n} e-mails in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
