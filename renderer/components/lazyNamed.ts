import { createElement, lazy, type ComponentProps, type ComponentType, type FunctionComponent } from 'react';

/** How to load again each component whose load failed; emptied by `retryFailedLoads`. */
const failedLoads = new Set<() => void>();

/**
 * Makes every component whose code failed to load try again when it next renders (React's own
 * `lazy` keeps a failure for good). "Try again" after a dropped connection calls it.
 */
export function retryFailedLoads(): void {
  const reloads = [...failedLoads];
  failedLoads.clear();
  for (const reload of reloads) reload();
}

/** Runs `reload` at the next "Try again": for code loaded outside `lazyNamed` whose load failed. */
export function reloadOnRetry(reload: () => void): void {
  failedLoads.add(reload);
}

/**
 * A component whose module loads the first time it renders (inside a `Loadable`): the named export
 * `name` of what `load` imports, e.g. `lazyNamed(() => import('./InboxView'), 'InboxView')`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- React.lazy takes components of any props
export function lazyNamed<M extends Record<K, ComponentType<any>>, K extends keyof M>(load: () => Promise<M>, name: K): FunctionComponent<ComponentProps<M[K]>> {
  const fresh = () =>
    lazy(() =>
      load().then(
        (m) => ({ default: m[name] }),
        (error: unknown) => {
          reloadOnRetry(() => (current = fresh()));
          throw error;
        },
      ),
    );
  let current = fresh();
  const Named: FunctionComponent<ComponentProps<M[K]>> = (props) => createElement(current, props);
  Named.displayName = `Lazy(${String(name)})`;
  return Named;
}
