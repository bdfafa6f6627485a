import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A component whose module loads the first time it renders (inside a Suspense): the named export
 * `name` of what `load` imports, e.g. `lazyNamed(() => import('./InboxView'), 'InboxView')`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- React.lazy takes components of any props
export function lazyNamed<M extends Record<K, ComponentType<any>>, K extends keyof M>(load: () => Promise<M>, name: K): LazyExoticComponent<M[K]> {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
