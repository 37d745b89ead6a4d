import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { jobMatcher } from '../scheduler/job-registry';
import type { Services } from '../services';
import { restListInput } from '../trpc/routers/jobs';

/** Jobs read (one MGET pipeline) and written per step of a listing. */
const CHUNK = 500;
const COMMA = Buffer.from(',');

type Query = z.output<typeof restListInput>;

/**
 * REST `GET /scheduler/jobs`: every matching job unless `limit` says otherwise (the contract's
 * default), streamed a chunk at a time. The stored JSON of each job is already the contract's
 * job object, so it is sent as it is, with no re-serialisation, and a request holds one chunk
 * of jobs in memory (plus what the socket buffers: writes wait for `drain`), whatever the
 * number of jobs and however slowly the client reads.
 *
 * The full listing is also kept, built once per `scheduler:jobs_version` (a counter every job
 * write bumps in the same script; read before the jobs, so a kept body is never older than a
 * write this process could have seen), by at most one request at a time, and sent from memory
 * while nothing changes.
 */
export class JobListing {
  private cached: { version: string; body: Buffer } | null = null;
  private building = false;

  constructor(private readonly services: Services) {}

  /** Parses the query; the issues of a bad one, for a 400. */
  static parse(url: URL) {
    return restListInput.safeParse(Object.fromEntries(url.searchParams));
  }

  async send(res: ServerResponse, query: Query): Promise<void> {
    const { registry } = this.services;
    const whole =
      query.q === undefined &&
      query.active === undefined &&
      !query.offset &&
      query.limit === undefined;
    const version = whole ? await registry.version() : null;
    if (version !== null && this.cached?.version === version) {
      const body = this.cached.body;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return;
    }
    const keep = version !== null && !this.building;
    if (keep) this.building = true;
    try {
      const parts: Buffer[] | null = keep ? [] : null;
      const out = new ChunkWriter(res, parts);
      await this.write(out, query);
      if (parts && version !== null && !out.aborted)
        this.cached = { version, body: Buffer.concat(parts) };
    } finally {
      if (keep) this.building = false;
    }
  }

  private async write(out: ChunkWriter, query: Query): Promise<void> {
    const { registry } = this.services;
    const offset = query.offset ?? 0;
    const end = query.limit === undefined ? Infinity : offset + query.limit;
    const filtered = query.q !== undefined || query.active !== undefined;
    const matches = jobMatcher(query);
    const ids = await registry.ids();
    // Unfiltered, only the page is read; filtered, every job is, to count the matches.
    const from = filtered ? 0 : Math.min(offset, ids.length);
    const to = filtered ? ids.length : Math.min(end, ids.length);
    let total = filtered ? 0 : ids.length;
    let sent = 0;
    await out.write(Buffer.from('{"jobs":['));
    for (let i = from; i < to && !out.aborted; i += CHUNK) {
      const batch = ids.slice(i, Math.min(i + CHUNK, to));
      const raws = await registry.rawJobs(batch);
      // A job deleted between reading the index and its chunk is left out and not counted.
      if (!filtered) total -= batch.length - raws.length;
      const chunk: Buffer[] = [];
      for (const raw of raws) {
        if (filtered) {
          if (!matches(JSON.parse(raw.toString('utf8')))) continue;
          const index = total++;
          if (index < offset || index >= end) continue;
        }
        if (sent++ > 0) chunk.push(COMMA);
        chunk.push(raw);
      }
      if (chunk.length > 0) await out.write(Buffer.concat(chunk));
    }
    await out.write(Buffer.from(`],"total":${total}}`));
    out.end();
  }
}

/**
 * Writes a streamed answer: the status line goes out with the first chunk, so an error before
 * it (Redis unreachable) is still a proper error answer; an error after it cuts the connection,
 * (app-handler destroys the socket), so the client sees a broken answer, never a short one.
 */
class ChunkWriter {
  aborted = false;
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly parts: Buffer[] | null,
  ) {
    res.once('close', () => {
      if (!res.writableFinished) this.aborted = true;
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.aborted) return;
    this.parts?.push(chunk);
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, { 'content-type': 'application/json' });
    }
    if (!this.res.write(chunk)) {
      await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
    }
  }

  end(): void {
    if (!this.aborted) this.res.end();
  }
}
