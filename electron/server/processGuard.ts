import { toDisposable, type Disposable } from '../core/disposable';
import type { Logger } from '../core/log';

/**
 * Keeps a serving process alive through a bug: an uncaught exception or an unhandled rejection is
 * logged with its stack instead of ending the process, because every agent it runs would end with
 * it. Disposing removes the handlers again.
 */
export function guardProcess(log: Logger): Disposable {
  const onException = (error: unknown) => log.error('uncaught exception; Switchyard keeps running', error);
  const onRejection = (reason: unknown) => log.error('unhandled rejection; Switchyard keeps running', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return toDisposable(() => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  });
}
