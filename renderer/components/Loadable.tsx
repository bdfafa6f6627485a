import { Component, Suspense, type ReactNode } from 'react';
import { retryFailedLoads } from './lazyNamed';
import { Loading } from './Loading';

interface BoundaryProps {
  what: string;
  /** Closes what failed to load (a dialog): offered beside "Try again". */
  onDismiss?: (() => void) | undefined;
  children: ReactNode;
}

/**
 * Catches what a part of the screen threw while its code loaded or first rendered — a chunk the
 * server no longer has after an update, a dropped connection — and says so in that place, with a
 * way to try again, instead of leaving the whole window blank.
 */
class LoadBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  private retry = () => {
    retryFailedLoads();
    this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="load-failed" role="alert">
        <p>
          Could not load {this.props.what}: {error.message}
        </p>
        <button type="button" onClick={this.retry}>
          Try again
        </button>{' '}
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
        {this.props.onDismiss && (
          <>
            {' '}
            <button type="button" onClick={this.props.onDismiss}>
              Close
            </button>
          </>
        )}
      </div>
    );
  }
}

/**
 * A part of the screen whose code loads when it first shows: "Loading …" until it is in (or
 * `fallback`), and a clear failure with "Try again" (and "Close", given `onDismiss`) if it
 * cannot load. Key it by what it shows, so that showing something else starts afresh.
 */
export function Loadable({ what, fallback, onDismiss, children }: { what: string; fallback?: ReactNode; onDismiss?: () => void; children: ReactNode }) {
  return (
    <LoadBoundary what={what} onDismiss={onDismiss}>
      <Suspense fallback={fallback ?? <Loading what={what} />}>{children}</Suspense>
    </LoadBoundary>
  );
}
