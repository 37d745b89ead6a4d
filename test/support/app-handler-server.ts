/** The API's handler (no Next.js) on a real HTTP server in this process, for router tests. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppHandler } from '../../src/server/http/app-handler';
import type { Services } from '../../src/server/services';

export async function serveApi(services: Services): Promise<{ base: string; close(): void }> {
  const server = createServer(createAppHandler(services));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}
