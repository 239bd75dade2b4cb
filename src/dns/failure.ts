/**
 * Why a DNS exchange brought no usable response: its own module, so that
 * the resolver can tell it apart without loading the wire code.
 */
export class ExchangeFailure extends Error {
  /** `timeout` when the server was silent, `network` when the socket failed. */
  readonly reason: 'timeout' | 'network' | 'aborted';

  constructor(reason: 'timeout' | 'network' | 'aborted', message: string) {
    super(message);
    this.reason = reason;
  }
}
