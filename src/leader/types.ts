/** The one interface of leader election, whichever store backs the lease. */

/** Leadership says whether this process leads the singleton loops (executor, drift, rules). */
export interface Leadership {
  /** identity names this process in the lease (hostname-pid-random). */
  readonly identity: string
  /** isLeader: the lease is held now and not past its renew deadline (cheap, synchronous). */
  isLeader(): boolean
  /** confirm re-checks with the backing store that we still hold the lease; false if lost. */
  confirm(): Promise<boolean>
  /** run acquires and renews until the signal aborts, then releases the lease. */
  run(signal: AbortSignal): Promise<void>
  /** onChange subscribes to gaining and losing leadership; it returns the unsubscribe. */
  onChange(cb: (leader: boolean) => void): () => void
}
