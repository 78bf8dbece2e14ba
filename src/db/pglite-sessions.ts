/**
 * Takes turns on one PGlite for many wire-protocol connections.
 *
 * PGlite is one Postgres session. pglite-socket (0.1.x) accepts several connections and runs
 * their protocol messages one at a time in arrival order, handing PGlite to another connection
 * between any two messages outside a transaction block. That is not enough for the extended
 * protocol node-postgres speaks: Parse, Bind, Describe, Execute and Sync of one query are
 * separate messages, and when they arrive in more than one read (a large bulk insert), another
 * connection's Parse could replace the unnamed statement between this one's Parse and Bind.
 *
 * So here the unit of turn-taking is a whole exchange: a connection that sent a message keeps
 * PGlite until it sends Sync (or a simple Query, or the startup message), and for as long as it
 * leaves a transaction block open; other connections' messages wait in order. A connection that
 * goes away mid-exchange or mid-transaction lets go (its transaction rolled back).
 *
 * The design is pglite-socket's (0.1.x, read for this): a queue of messages per connection in
 * front of one PGlite, `runExclusive` + `execProtocolRawStream` per message; the unit of turns is
 * what differs.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Waiting {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Sync ('S'), simple Query ('Q'), Terminate ('X'), or a startup packet (length first, so 0). */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0x53 || type === 0x51 || type === 0x58 || type === 0;
}

export class PgliteSessions {
  /** The connection PGlite belongs to until its exchange (or transaction) ends. */
  private owner: number | undefined;
  private readonly waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  /** Messages waiting (for the host's statistics). */
  get queued(): number {
    return this.waiting.length;
  }

  private next(): Waiting | undefined {
    const i = this.owner === undefined ? 0 : this.waiting.findIndex((w) => w.handlerId === this.owner);
    return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = this.db.isInTransaction() ? item.handlerId : undefined;
          item.reject(error as Error);
          continue;
        }
        this.owner = endsExchange(item.message) && !this.db.isInTransaction() ? undefined : item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.running = false;
    }
  }

  /** Drops what a closed connection still had waiting. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i]!;
      if (w.handlerId !== handlerId) continue;
      this.waiting.splice(i, 1);
      w.reject(new Error('connection closed'));
    }
  }

  /** A closed connection that held PGlite lets go; its open transaction is rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = undefined;
    await this.pump();
  }
}
