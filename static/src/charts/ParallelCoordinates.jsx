// A parallel-coordinates chart (Apache ECharts): one axis per swept parameter and one for the metric,
// one line per trial, the best trial drawn thick.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { ParallelChart } from 'echarts/charts';
import { ParallelComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([ParallelChart, ParallelComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** axes: [{name, categories?}]; rows: [{values: [...], best: bool, label}] (values in axis order). */
export function ParallelCoordinates({ axes, rows, metricName, height = 300, testId }) {
  const box = useRef(null);
  const chart = useRef(null);

  useEffect(() => {
    chart.current = echarts.init(box.current, null, { renderer: 'canvas' });
    const resize = () => chart.current && chart.current.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (!chart.current) return;
    const metricIndex = axes.length - 1;
    const metricValues = rows.map((r) => r.values[metricIndex]).filter((v) => typeof v === 'number');
    const spread = metricValues.length > 1 && Math.min(...metricValues) < Math.max(...metricValues);
    chart.current.setOption({
      animation: false,
      tooltip: { trigger: 'item', formatter: (p) => p.seriesName === 'best' ? `best: ${p.data.name}` : p.data.name },
      parallelAxis: axes.map((axis, dim) => (axis.categories
        ? { dim, name: axis.name, type: 'category', data: axis.categories }
        : { dim, name: axis.name, type: 'value', scale: true,
          axisLabel: { formatter: (v) => Number(Number(v).toPrecision(3)) } })),
      parallel: { left: 56, right: spread ? 96 : 56, top: 40, bottom: 24,
        parallelAxisDefault: { nameTextStyle: { fontSize: 11, color: '#475569' }, axisLabel: { fontSize: 10 } } },
      visualMap: spread ? {
        show: true, dimension: metricIndex, min: Math.min(...metricValues), max: Math.max(...metricValues),
        right: 8, top: 'middle', itemHeight: 120, precision: 3, textStyle: { fontSize: 10 },
        inRange: { color: ['#cbd5e1', '#818cf8', '#4338ca'] }, seriesIndex: 0,
      } : undefined,
      series: [
        { name: 'trials', type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 },
          data: rows.filter((r) => !r.best).map((r) => ({ name: r.label, value: r.values })) },
        { name: 'best', type: 'parallel', lineStyle: { width: 4, color: '#16a34a', opacity: 1 },
          data: rows.filter((r) => r.best).map((r) => ({ name: r.label, value: r.values })) },
      ],
    }, true);
  }, [axes, rows, metricName]);

  return <div ref={box} className="chart-box" style={{ height }} data-testid={testId} />;
}
