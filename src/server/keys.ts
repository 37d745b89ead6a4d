/**
 * Every Redis key the project uses, built in one place. The job keys and the stock data keys
 * are part of the public contract (CONTRACT.md section 6); the rest live under `scheduler:`.
 */
export const keys = {
  job: (jobId: string) => `scheduler:job:${jobId}`,
  jobPattern: 'scheduler:job:*',
  jobIndex: 'scheduler:job_index',
  /** Counter bumped by every write of a job: a listing cached at one value is still exact. */
  jobsVersion: 'scheduler:jobs_version',
  /** Sorted set: member job_id, score = next fire time in ms. */
  due: 'scheduler:due',
  /** Hash: field `${job_id}:${fire_ms}`, value = JSON of a claimed fire not yet enqueued. */
  pendingFires: 'scheduler:pending_fires',
  /**
   * Sorted set: member `${job_id}:${fire_ms}` of a claimed fire whose run has not begun, score =
   * the fire time it stands for in ms; reported as run.missed past MISSED_AFTER_SECONDS.
   */
  awaitingStart: 'scheduler:awaiting_start',
  /** The field of one claimed fire in `pendingFires`, and its member in `awaitingStart`. */
  pendingFire: (jobId: string, fireMs: number) => `${jobId}:${fireMs}`,
  /** Set per job: the jobs whose after-schedule names it (the reverse index of the pipelines). */
  dependents: (jobId: string) => `scheduler:dependents:${jobId}`,
  /** Hash per wait-all job: upstream job_id -> its qualifying run_id since the last trigger. */
  afterPending: (jobId: string) => `scheduler:after_pending:${jobId}`,
  /** String with a TTL per finished upstream run: its triggers were recorded (once only). */
  afterDone: (runId: string) => `scheduler:after_done:${runId}`,
  /** Stream of triggers owed to downstream jobs, recorded with their upstream run's finish. */
  upstreamTriggers: 'scheduler:upstream_triggers',
  /** The consumer group that turns upstream triggers into queued runs. */
  upstreamGroup: 'pipelines',
  /** Sorted set of a job's runs: member run_id, score = started ms. */
  jobRuns: (jobId: string) => `scheduler:job_runs:${jobId}`,
  run: (runId: string) => `scheduler:run:${runId}`,
  /** String: the run_id of the job's run in progress, with a TTL as a safety net. */
  jobLock: (jobId: string) => `scheduler:job_lock:${jobId}`,
  /** Hash: instance id -> JSON heartbeat. */
  instances: 'scheduler:instances',
  /** Sorted set: instance id -> its last heartbeat in Redis's clock (ms). */
  instanceBeats: 'scheduler:instance_beats',
  /**
   * Hash: run_id -> JSON `{ instance, job_id }` of every run begun and not known finished: where
   * the recovery step looks for runs left running by an instance that is gone.
   */
  runningRuns: 'scheduler:running_runs',
  /** Stream of job and run changes, read by the dashboard's subscription. */
  events: 'scheduler:events',
  /** Pub/sub channel: a job's schedule changed, dispatchers should re-read the due set. */
  wakeChannel: 'scheduler:wake',
  /** BullMQ's own keys all start with this prefix. */
  queuePrefix: 'scheduler:bull',
  queueName: 'runs',
  /** Provider rate-limit window counters. */
  providerRate: (provider: string, second: number) => `scheduler:rate:${provider}:${second}`,
  /** String: the provider's next free request slot in ms (GCRA pacing shared by all processes). */
  providerPace: (provider: string) => `scheduler:rate_pace:${provider}`,
  /** String: token of the process fetching (symbol, start, end) right now; short TTL, renewed. */
  fetchLock: (symbol: string, start: string, end: string) =>
    `scheduler:fetch_lock:${symbol}:${start}:${end}`,
  /** String: JSON outcome of the last shared fetch of (symbol, start, end), for its waiters. */
  fetchResult: (symbol: string, start: string, end: string) =>
    `scheduler:fetch_result:${symbol}:${start}:${end}`,
  stockData: (symbol: string, start: string, end: string) =>
    `scheduled_stock_data:${symbol}:${start}:${end}`,
  stockDataPattern: (symbol: string) => `scheduled_stock_data:${symbol}:*`,
  /** Sorted set per symbol of its stored record keys, score = fetched_at ms (newest last). */
  stockDataIndex: (symbol: string) => `scheduler:data_index:${symbol}`,
  /** String per symbol and year: that year's daily bars, packed (market-data/series-codec.ts). */
  seriesYear: (symbol: string, year: number) => `scheduler:series:${symbol}:${year}`,
  /** The part of seriesYear before the year, for the merge script that visits every year. */
  seriesYearPrefix: (symbol: string) => `scheduler:series:${symbol}:`,
  /** Hash per symbol: currency, zone, first/last date, bars, bars per year, fetched_at. */
  seriesMeta: (symbol: string) => `scheduler:series_meta:${symbol}`,
  /** Hash per symbol: `split:{date}` = "num/den", `dividend:{date}` = amount. */
  seriesEvents: (symbol: string) => `scheduler:series_events:${symbol}`,
  /** Hash per symbol: `{date}:{kind}` = detail of a suspicious bar found when it was stored. */
  seriesIssues: (symbol: string) => `scheduler:series_issues:${symbol}`,
  /** Sorted set of every symbol with a series, score = its newest fetch in ms. */
  seriesSymbols: 'scheduler:series_symbols',
  /** Hash: channel_id -> the channel's JSON, its secret included (never returned). */
  channels: 'scheduler:channels',
  /** Hash per channel: consecutive_failures, last_error, last_success_at, last_failure_at. */
  channelHealth: (channelId: string) => `scheduler:channel_health:${channelId}`,
  /** Hash: one delivery of one event to one channel (CONTRACT.md section 9). */
  delivery: (deliveryId: string) => `scheduler:delivery:${deliveryId}`,
  /** Sorted sets of delivery ids, score = created ms: all, and per channel. */
  deliveries: 'scheduler:deliveries',
  channelDeliveries: (channelId: string) => `scheduler:channel_deliveries:${channelId}`,
  /** Stream of domain events (run.failed, ...) that the notifiers' consumer group fans out. */
  notifyEvents: 'scheduler:notify_events',
  notifyGroup: 'notifiers',
  notifyQueueName: 'notifications',
  /** Hash: job_id -> finish ms of its last completed run (written by the run's finish step). */
  jobLastSuccess: 'scheduler:job_last_success',
  /** String: JSON of an analysis job's latest values per symbol (jobs.analysis answers it). */
  analysis: (jobId: string) => `scheduler:analysis:${jobId}`,
  /** Hash: `{signal}|{symbol}` -> newest bar date an analysis.signal was raised for. */
  analysisSignals: (jobId: string) => `scheduler:analysis_signals:${jobId}`,
  /** String set NX once per (symbol, session) reported as data.stale. */
  staleSent: (symbol: string, session: string) => `scheduler:stale_sent:${symbol}:${session}`,
  /** String: how many symbols of active jobs the last stale check found not fresh. */
  staleCount: 'scheduler:stale_count',
  /** String set once per day (NX): the instance that sets it sends that day's summary. */
  summarySent: (date: string) => `scheduler:summary_sent:${date}`,
  /** Set of every user id; the service is in account mode once it is not empty. */
  users: 'scheduler:users',
  /** Hash: one user (user_id, email, name, role, password_hash, created_at). */
  user: (userId: string) => `scheduler:user:${userId}`,
  /** String: the user id of a (lower-cased) e-mail address, so addresses are unique. */
  userEmail: (email: string) => `scheduler:user_email:${email}`,
  /** Set of the session hashes of a user, so deleting the user ends them. */
  userSessions: (userId: string) => `scheduler:user_sessions:${userId}`,
  /** String with a TTL: a session, keyed by the SHA-256 of its cookie value (never the value). */
  session: (hash: string) => `scheduler:session:${hash}`,
  /** Set of every API token id. */
  tokens: 'scheduler:tokens',
  /** Hash: one API token's name, role, expiry, last use and the SHA-256 of its secret. */
  token: (tokenId: string) => `scheduler:token:${tokenId}`,
  /**
   * Counters with a TTL: failed sign-ins of an account and from an address. The account is
   * named by the SHA-256 of what was typed as the e-mail, which may be a misplaced password.
   */
  loginFailAccount: (email: string) => `scheduler:login_fail:account:${email}`,
  loginFailAddress: (ip: string) => `scheduler:login_fail:address:${ip}`,
  /** List of audit entries (JSON), newest first, capped at AUDIT_LOG_LIMIT. */
  audit: 'scheduler:audit',
} as const;

/** The events stream is trimmed to about this many entries (XADD MAXLEN ~). */
export const EVENTS_MAXLEN = '10000';
/** Domain events kept in the notification stream (acknowledged ones are only history). */
export const NOTIFY_EVENTS_MAXLEN = '100000';
