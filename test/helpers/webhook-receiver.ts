import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { AlertRecord } from '../../store/alerts.ts';

/**
 * A webhook receiver on 127.0.0.1, written as a deployment would write
 * one: it verifies the Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) on the raw body with the shared
 * secret (npm `standardwebhooks`), answers 401 when they fail, and keeps
 * the alerts it accepted. `failNext(n)` makes it answer 503 to the next n
 * requests (a receiver having a bad minute). `port` lets a test bring a
 * receiver up where an earlier one was down.
 *
 * @example
 * const receiver = await startWebhookReceiver('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * // …deliver to receiver.url…
 * t.deepEqual(receiver.accepted.map((a) => a.id), [1]);
 * await receiver.close();
 */
export async function startWebhookReceiver(secret: string, port = 0): Promise<WebhookReceiver> {
  const accepted: AlertRecord[] = [];
  const statuses: number[] = [];
  let failing = 0;
  const webhook = new Webhook(secret);
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    let status = verified(webhook, body, req.headers) ? 200 : 401;
    if (failing > 0) {
      failing -= 1;
      status = 503;
    }
    if (status === 200) accepted.push(JSON.parse(body) as AlertRecord);
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : status === 401 ? 'bad signature' : 'try later');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hooks/otcwatch`,
    port: address.port,
    accepted,
    statuses,
    failNext: (requests) => {
      failing = requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface WebhookReceiver {
  /** Where to POST, e.g. `http://127.0.0.1:54321/hooks/otcwatch`. */
  url: string;
  port: number;
  /** Alerts whose signature checked out, in arrival order. */
  accepted: AlertRecord[];
  /** Every response status, in order. */
  statuses: number[];
  failNext(requests: number): void;
  close(): Promise<void>;
}

function verified(webhook: Webhook, body: string, headers: IncomingMessage['headers']): boolean {
  try {
    webhook.verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
