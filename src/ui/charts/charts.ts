// The one module that imports Chart.js: it registers only the pieces the disbursement and
// comparison charts use (so the bundle leaves out the rest) and owns one Chart per class below. Each class creates its
// chart once, updates it in place with new figures, unit or language, and is destroyed by its owner.
// Only plain data built by chart-data.ts reaches Chart.js, never a Svelte proxy.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  SubTitle,
  Title,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { ViewSettings } from '../grid/columns';
import { t } from '../i18n';
import { amountText, curveHeading, curveSubtitle, monthLabel, pointLabel, unitWords, wrapText, type Curve, type Point, type ProjectBars } from './chart-data';
import { formatRate } from '../../domain/amount';
import { rateOf } from '../../domain/rollup';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Title, SubTitle);

const COLOR = {
  actual: '#1f5fa8',
  projection: '#5b95d6',
  plan: '#4a5260',
  expected: '#c77700',
  planBar: '#b9c1cc',
  disbursed: '#1f5fa8',
  toDisburse: '#8cb4e3',
  carryOver: '#e0a526',
  lapse: '#c0392b',
  grid: '#e4e7ec',
};
const FONT = { family: "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif", size: 11 };

// A saved PNG is transparent where nothing is drawn; paint it white so it reads in any viewer or document.
const whiteBackground: Plugin = {
  id: 'planbenchWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Options both charts share: sized by their container, no animation (a PNG is never caught mid-way), crisp when saved. */
function baseOptions(): ChartOptions {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    devicePixelRatio: Math.max(2, globalThis.devicePixelRatio ?? 1),
    font: FONT,
    // Room on the right for the last tick label, which Chart.js centres on the axis end.
    layout: { padding: { top: 2, right: 18, bottom: 2, left: 2 } },
    plugins: {
      title: { display: true, color: '#1d2430', font: { ...FONT, size: 13, weight: 'bold' }, padding: { top: 4, bottom: 2 } },
      subtitle: { display: true, font: FONT, color: '#5b6370', padding: { bottom: 6 } },
      legend: { position: 'bottom', labels: { font: FONT, boxWidth: 14, boxHeight: 8, padding: 8 } },
      tooltip: { titleFont: { ...FONT, weight: 'bold' }, bodyFont: FONT, footerFont: FONT },
    },
  } as ChartOptions;
}

/** Options of a horizontal bar chart: one row of bars per category, its tooltip on the bar pointed at. */
function horizontalBarOptions(): ChartOptions<'bar'> {
  return { ...(baseOptions() as ChartOptions<'bar'>), indexAxis: 'y', interaction: { mode: 'nearest', intersect: true, axis: 'y' } };
}

/** The cumulative disbursement curve of one row. */
export class CurveChart {
  private chart: Chart<'line', Point[]>;
  private curve: Curve;
  private view: ViewSettings;

  constructor(canvas: HTMLCanvasElement, curve: Curve, view: ViewSettings) {
    this.curve = curve;
    this.view = view;
    const line = (color: string, extra: Partial<ChartDataset<'line', Point[]>> = {}): ChartDataset<'line', Point[]> => ({
      data: [],
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: 0,
      pointHitRadius: 8,
      ...extra,
    });
    const base = baseOptions() as ChartOptions<'line'>;
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          // `order`: lower is drawn on top; the expected level often coincides with the plan (100 %).
          line(COLOR.actual, { pointRadius: 3, order: 0 }),
          line(COLOR.projection, { borderDash: [6, 4], pointRadius: 2, pointStyle: 'rectRot', order: 1 }),
          line(COLOR.plan, { borderWidth: 1.5, order: 3 }),
          line(COLOR.expected, { borderWidth: 1.5, borderDash: [4, 3], order: 2 }),
        ],
      },
      options: {
        ...base,
        interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            ticks: {
              stepSize: 1,
              autoSkip: true,
              autoSkipPadding: 4,
              maxRotation: 0,
              font: FONT,
              callback: (v) => monthLabel(Number(v), this.curve.year, this.view.lang, true),
            },
            grid: { color: COLOR.grid },
            title: { display: true, font: FONT },
          },
          y: {
            type: 'linear',
            beginAtZero: true,
            // Room above the plan line, which is often the highest figure.
            grace: '6%',
            ticks: { font: FONT, callback: (v) => amountText(Number(v), this.view) },
            grid: { color: COLOR.grid },
            title: { display: true, font: FONT },
          },
        },
        plugins: {
          ...base.plugins,
          legend: { ...base.plugins?.legend, labels: { ...base.plugins?.legend?.labels, usePointStyle: true, pointStyle: 'line' } },
          tooltip: {
            ...base.plugins?.tooltip,
            callbacks: {
              title: (items) => (items.length ? pointLabel(items[0].parsed.x ?? NaN, this.curve, this.view) : ''),
              label: (item) => `${item.dataset.label}: ${amountText(item.parsed.y ?? 0, this.view)}`,
            },
          },
        },
      },
      plugins: [whiteBackground],
    });
    this.apply();
    this.chart.update();
  }

  /** Shows new figures, unit or language on the same chart. */
  update(curve: Curve, view: ViewSettings): void {
    this.curve = curve;
    this.view = view;
    this.apply();
    this.chart.update();
  }

  private apply(): void {
    const { curve, view } = this;
    const lang = view.lang;
    const level = (y: number): Point[] => [
      { x: 0, y },
      { x: curve.xMax, y },
    ];
    const [actual, projection, plan, expected] = this.chart.data.datasets;
    actual.label = t(lang, 'chActual');
    actual.data = curve.actual;
    projection.label = t(lang, 'chProjection');
    projection.data = curve.projection;
    plan.label = t(lang, 'chPlan');
    plan.data = level(curve.plan);
    expected.label = t(lang, 'chExpected');
    expected.data = level(curve.expected);
    const o = this.chart.options;
    o.plugins!.title!.text = wrapText(curveHeading(curve, lang), 62, 2);
    o.plugins!.subtitle!.text = curveSubtitle(curve, view);
    o.scales!.x!.max = curve.xMax;
    o.scales!.x!.title!.text = t(lang, 'chMonthAxis');
    o.scales!.y!.title!.text = unitWords(view);
  }

  /** The chart as a PNG data URL. */
  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Plan against projection by project: a plan bar beside a bar of disbursed, still to disburse, carry-over and lapse. */
export class BarsChart {
  private chart: Chart<'bar', number[], string>;
  private bars: ProjectBars;
  private view: ViewSettings;
  private subtitle: string;

  constructor(canvas: HTMLCanvasElement, bars: ProjectBars, view: ViewSettings, subtitle: string) {
    this.bars = bars;
    this.view = view;
    this.subtitle = subtitle;
    const bar = (color: string, stack: string): ChartDataset<'bar', number[]> => ({
      data: [],
      backgroundColor: color,
      stack,
      barPercentage: 0.9,
      categoryPercentage: 0.8,
    });
    const base = horizontalBarOptions();
    this.chart = new Chart<'bar', number[], string>(canvas, {
      type: 'bar',
      data: {
        labels: [],
        datasets: [
          bar(COLOR.planBar, 'plan'),
          bar(COLOR.disbursed, 'outcome'),
          bar(COLOR.toDisburse, 'outcome'),
          bar(COLOR.carryOver, 'outcome'),
          bar(COLOR.lapse, 'outcome'),
        ],
      },
      options: {
        ...base,
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            ticks: { font: FONT, maxRotation: 0, callback: (v) => amountText(Number(v), this.view) },
            grid: { color: COLOR.grid },
            title: { display: true, font: FONT },
          },
          y: { stacked: true, ticks: { font: { ...FONT, weight: 'bold' } }, grid: { display: false } },
        },
        plugins: {
          ...base.plugins,
          tooltip: {
            ...base.plugins?.tooltip,
            callbacks: {
              title: (items) => (items.length ? this.projectTitle(items[0].dataIndex) : ''),
              label: (item) => `${item.dataset.label}: ${amountText(item.parsed.x ?? 0, this.view)}`,
              footer: (items) => (items.length && items[0].datasetIndex > 0 ? this.projectedLine(items[0].dataIndex) : ''),
            },
          },
        },
      },
      plugins: [whiteBackground],
    });
    this.apply();
    this.chart.update();
  }

  update(bars: ProjectBars, view: ViewSettings, subtitle: string): void {
    this.bars = bars;
    this.view = view;
    this.subtitle = subtitle;
    this.apply();
    this.chart.update();
  }

  private projectTitle(i: number): string[] {
    return wrapText(`${this.bars.codes[i]} — ${this.bars.names[i]}`, 48, 3);
  }

  /** "Projected by year end: 2.500 (46,0 %)" for the tooltip of a project's outcome bar. */
  private projectedLine(i: number): string {
    const { projected, plan } = this.bars;
    const rate = rateOf(projected[i], plan[i]);
    const share = Number.isNaN(rate) ? '' : ` (${formatRate(rate, this.view.locale, 1)})`;
    return `${t(this.view.lang, 'chProjectedEnd')}: ${amountText(projected[i], this.view)}${share}`;
  }

  private apply(): void {
    const { bars, view } = this;
    const lang = view.lang;
    this.chart.data.labels = bars.codes;
    const series: [string, number[]][] = [
      [t(lang, 'chPlan'), bars.plan],
      [t(lang, 'chDisbursed'), bars.disbursed],
      [t(lang, 'chToDisburse'), bars.toDisburse],
      [t(lang, 'chCarryOver'), bars.carryOver],
      [t(lang, 'chLapse'), bars.lapse],
    ];
    series.forEach(([label, data], i) => {
      const d = this.chart.data.datasets[i];
      d.label = label;
      d.data = data;
    });
    const o = this.chart.options;
    o.plugins!.title!.text = t(lang, 'chBarsTitle');
    o.plugins!.subtitle!.text = this.subtitle;
    o.scales!.x!.title!.text = unitWords(view);
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Colours of compared scenarios (the reference in grey), and of changes up and down. */
const SERIES_COLORS = ['#8a94a6', '#1f5fa8', '#e0a526', '#7b4fb0'];
const UP = '#1e7b3a';
const DOWN = '#c0392b';

/** What a SeriesBarsChart draws: one bar per series on each category. */
export interface SeriesBars {
  title: string;
  subtitle: string;
  /** Axis labels, and the full name of each category for its tooltip. */
  categories: string[];
  titles: string[];
  series: { label: string; data: number[] }[];
  /** Index in the scenario colours of the first series (1 for changes against the reference). */
  firstColor: number;
  /** Changes: tooltips signed, the zero line drawn, and a single series coloured by sign (green up, red down). */
  signed: boolean;
}

/** Horizontal grouped bars: the compared scenarios' figures by project or group, or their changes. */
export class SeriesBarsChart {
  private chart: Chart<'bar', number[], string>;
  private bars: SeriesBars;
  private view: ViewSettings;

  constructor(canvas: HTMLCanvasElement, bars: SeriesBars, view: ViewSettings) {
    this.bars = bars;
    this.view = view;
    const base = horizontalBarOptions();
    this.chart = new Chart<'bar', number[], string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        ...base,
        scales: {
          x: {
            ticks: { font: FONT, maxRotation: 0, callback: (v) => amountText(Number(v), this.view) },
            grid: { color: (ctx) => (ctx.tick?.value === 0 ? '#4a5260' : COLOR.grid) },
            title: { display: true, font: FONT },
          },
          y: { ticks: { font: { ...FONT, weight: 'bold' } }, grid: { display: false } },
        },
        plugins: {
          ...base.plugins,
          tooltip: {
            ...base.plugins?.tooltip,
            callbacks: {
              title: (items) => (items.length ? wrapText(this.bars.titles[items[0].dataIndex] ?? '', 48, 3) : ''),
              label: (item) => {
                const v = item.parsed.x ?? 0;
                return `${item.dataset.label}: ${this.bars.signed && v > 0 ? '+' : ''}${amountText(v, this.view)}`;
              },
            },
          },
        },
      },
      plugins: [whiteBackground],
    });
    this.update(bars, view);
  }

  /** Shows new figures, unit or language on the same chart. */
  update(bars: SeriesBars, view: ViewSettings): void {
    this.bars = bars;
    this.view = view;
    this.chart.data.labels = bars.categories;
    const bySign = bars.signed && bars.series.length === 1;
    this.chart.data.datasets = bars.series.map((s, i) => ({
      label: s.label,
      data: s.data,
      backgroundColor: bySign ? s.data.map((v) => (v < 0 ? DOWN : UP)) : SERIES_COLORS[(bars.firstColor + i) % SERIES_COLORS.length],
      barPercentage: 0.9,
      categoryPercentage: 0.8,
      maxBarThickness: 26,
    }));
    const o = this.chart.options;
    o.plugins!.title!.text = wrapText(bars.title, 70, 2);
    o.plugins!.subtitle!.text = bars.subtitle;
    // A single series coloured by sign says what its legend box cannot: hide the legend.
    o.plugins!.legend!.display = !bySign;
    o.scales!.x!.title!.text = unitWords(view);
    this.chart.update();
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
