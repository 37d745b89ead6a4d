/**
 * A server's memory over a benchmark, without a debugger: its RSS from /proc/<pid>/status
 * (VmRSS) every 250 ms for the peak, and a sample every `everyMs` of the RSS with V8's heap
 * (used and total) and external memory as prom-client's default metrics on GET /metrics report
 * them (null while the server cannot answer /metrics, e.g. with Redis down). A plateau and a
 * climb look alike over one minute; over a longer run or a second round they part.
 */
import { readFileSync } from 'node:fs';

export interface MemorySample {
  t_s: number;
  /** What the load was doing then (e.g. "round 1", "idle"). */
  phase: string;
  rss_mb: number;
  heap_used_mb: number | null;
  heap_total_mb: number | null;
  external_mb: number | null;
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** The V8 figures of a /metrics text, or nulls when it cannot be had within `timeoutMs`. */
async function heapOf(metricsUrl: string, timeoutMs = 2000) {
  const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) })
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  const value = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? mb(Number(m[1])) : null;
  };
  return {
    heap_used_mb: value('nodejs_heap_size_used_bytes'),
    heap_total_mb: value('nodejs_heap_size_total_bytes'),
    external_mb: value('nodejs_external_memory_bytes'),
  };
}

export function sampleMemory(pid: number, metricsUrl: string, everyMs = 5000) {
  const t0 = Date.now();
  const samples: MemorySample[] = [];
  let phase = 'start';
  let peakKb = rssKb(pid);
  const peakTimer = setInterval(() => (peakKb = Math.max(peakKb, rssKb(pid))), 250);
  const take = async () => {
    const t_s = Math.round((Date.now() - t0) / 1000);
    const rss_mb = Math.round(rssKb(pid) / 1024);
    samples.push({ t_s, phase, rss_mb, ...(await heapOf(metricsUrl)) });
  };
  let timer: NodeJS.Timeout | null = null;
  /** Heap used right after a full GC, by label (see `afterFullGc`). */
  const retained: Record<string, { heap_used_mb: number | null; rss_mb: number }> = {};
  return {
    samples,
    retained,
    /**
     * For a server started with `--heapsnapshot-signal=SIGUSR2`: has it write a heap snapshot
     * (V8 collects all garbage first), then reads its heap used, which is then what it holds.
     * The same figure growing from round to round is a leak; warm-up stops growing.
     */
    async afterFullGc(label: string) {
      process.kill(pid, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 500));
      const { heap_used_mb } = await heapOf(metricsUrl, 300_000);
      retained[label] = { heap_used_mb, rss_mb: Math.round(rssKb(pid) / 1024) };
    },
    get peakMb() {
      return Math.round(peakKb / 1024);
    },
    /** Starts the periodic samples (one at once), labelled `label` until the next call. */
    async phase(label: string) {
      phase = label;
      if (!timer) timer = setInterval(() => void take(), everyMs);
      await take();
    },
    stop() {
      clearInterval(peakTimer);
      if (timer) clearInterval(timer);
    },
    /** The samples as short columns: one array per figure, and where each phase starts. */
    series() {
      const col = <K extends keyof MemorySample>(k: K) => samples.map((s) => s[k]);
      const phases: Record<string, number> = {};
      for (const s of samples) phases[s.phase] ??= s.t_s;
      return {
        every_s: everyMs / 1000,
        phase_starts_at_s: phases,
        t_s: col('t_s'),
        rss_mb: col('rss_mb'),
        heap_used_mb: col('heap_used_mb'),
        heap_total_mb: col('heap_total_mb'),
        external_mb: col('external_mb'),
      };
    },
  };
}
