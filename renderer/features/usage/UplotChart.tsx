import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart in a div: made when its data or options change, destroyed with the component.
 * uPlot draws on a canvas (about 50 kB, fast with many points); `label` names it for assistive
 * technology, and the page shows the same figures in a table beside it.
 */
export function UplotChart({ options, data, label, bars }: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; label: string; bars: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const width = Math.max(320, element.clientWidth || 640);
    const chart = new uPlot({ width, height: 220, ...options }, data, element);
    return () => chart.destroy();
  }, [options, data]);
  return <div ref={box} className="usage-chart" role="img" aria-label={label} data-bars={bars} />;
}

/** Bars, for series drawn as columns. */
export const barPaths = uPlot.paths.bars!({ size: [0.6, 64], align: 0 });

/** Colours of the series, in order; a named list rather than numbers spread in the code. */
export const SERIES_COLOURS = ['#5b8def', '#e0823d', '#4fb286', '#c95bd6', '#d6c25b', '#5bc8d6', '#d65b6f', '#8a8a8a'];
