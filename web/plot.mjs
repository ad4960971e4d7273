/*
 * plot.mjs: line plots on a canvas, for the page's few thousand points a series.
 *
 * Hand-drawn rather than a plotting library: a run of the page has at most a
 * few tens of thousands of points, which one canvas path draws in about a
 * millisecond, and the plots need little beyond lines (a second, shifted axis
 * for absolute V, spike marks, a cursor), so no dependency is vendored.
 */

const MARGIN = { left: 58, right: 58, top: 18, bottom: 30 };
export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#e377c2",
                       "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173"];

/* The "nice" step for about `count` intervals over `span`: 1, 2 or 5 times a power of
   ten, the one nearest span / count (on a log scale). */
function nice_step(span, count) {
    const raw = span / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * power).reduce((a, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(a / raw)) ? b : a));
}

/* The next smaller nice step: 10 -> 5 -> 2 -> 1 -> 0.5 ... */
function smaller_step(step) {
    const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
    const m = Math.round(step / power);
    return m === 5 ? 2 * power : m === 2 ? power : 0.5 * power;
}

/* A tick's label: the decimals its step needs (step 0.2: "0.4", step 500: "1500"), in
   exponent form for steps beyond 10^±6; never "-0" or 0.30000000000000004. */
function tick_label(i, step) {
    const exponent = Math.floor(Math.log10(step) + 1e-9);
    if (exponent < -6 || exponent > 6)
        return i === 0 ? "0" : Number((i * step).toPrecision(6)).toExponential();
    return (i === 0 ? 0 : i * step).toFixed(Math.max(0, -exponent));
}

/* Ticks at round values in [lo, hi], about `count` intervals and at least `least`
   ticks (unless that takes a step below `finest`: counts are whole): { step, values,
   labels }, the values whole multiples of the step. */
export function ticks(lo, hi, count = 5, least = 3, finest = 0) {
    if (!(hi > lo) || !Number.isFinite(hi - lo))
        return { step: NaN, values: [], labels: [] };
    for (let step = Math.max(finest, nice_step(hi - lo, Math.max(1, count))); ; step = smaller_step(step)) {
        const first = Math.ceil(lo / step - 1e-9);
        const last = Math.floor(hi / step + 1e-9);
        if (last - first + 1 >= least || last - first > 1000 || smaller_step(step) < finest) {
            const index = Array.from({ length: last - first + 1 }, (_, j) => first + j);
            return { step, values: index.map((i) => i * step), labels: index.map((i) => tick_label(i, step)) };
        }
    }
}

/* The range of the finite values of every series, widened a little; [lo, hi] if flat. */
function extent(series, key) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series)
        for (const v of s[key])
            if (Number.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
    if (!Number.isFinite(lo))
        return [0, 1];
    if (hi - lo < 1e-9) {
        const pad = Math.max(Math.abs(lo) * 0.1, 1);
        return [lo - pad, hi + pad];
    }
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
}

/* The legend's entries laid out in rows across [left, right] above the plotting area,
   so that it never covers data: [{ label, color, x, y }] and the rows it takes. */
function legend_layout(g, entries, left, right) {
    const out = [];
    let x = left;
    let row = 0;
    for (const { label, color } of entries) {
        const w = 20 + g.measureText(label).width + 14;
        if (x > left && x + w > right) {
            x = left;
            row++;
        }
        out.push({ label, color, x, y: LEGEND_TOP + row * LEGEND_ROW + LEGEND_ROW / 2 });
        x += w;
    }
    return { entries: out, rows: entries.length > 0 ? row + 1 : 0 };
}

const LEGEND_TOP = 3;
const LEGEND_ROW = 14;
const LEGEND_MAX = 14; /* entries: a longer family is named by its first 13 and a count */

/* Draw on `canvas`: series [{x, y, color, label, width, points}] against x; options:
   xlabel, ylabel (each with its unit), y2 ({ shift, label }: a right axis at y + shift),
   marks (x positions drawn as ticks at the top, with mark_color), hline (a dashed level),
   cursor (an x), xrange, yrange (or range_of: the series whose values set it), whole_y
   (y is a count: no tick between whole numbers), legend
   (false: none), ordered (x never decreases: many points are drawn a pixel column at a time).
   What it drew is left on the canvas for tests and readers: data-frame (the plotting area
   in CSS pixels and the ranges), data-xticks, data-yticks, data-y2ticks (the labels),
   data-xlabel, data-ylabel, data-y2label and data-legend (its box and entries). */
export function plot(canvas, series, options = {}) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px system-ui, sans-serif";
    const [x0, x1] = options.xrange ?? extent(series, "x");
    const [y0, y1] = options.yrange ?? extent(options.range_of ?? series, "y");
    const left = MARGIN.left;
    const right = width - MARGIN.right;
    let labelled = options.legend === false ? [] : series.filter((s) => s.label);
    if (labelled.length > LEGEND_MAX)
        labelled = [...labelled.slice(0, LEGEND_MAX - 1), { label: `and ${labelled.length - LEGEND_MAX + 1} more`, color: "#fff" }];
    const legend = legend_layout(g, labelled, left, right);
    const top = legend.rows > 0 ? LEGEND_TOP + legend.rows * LEGEND_ROW + 6 : MARGIN.top;
    const bottom = height - MARGIN.bottom;
    const X = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const Y = (y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);

    /* the axes: round ticks (1, 2 or 5 times a power of ten) with labels, about 80 px apart
       along x and 30 px along y, at least three on each */
    g.strokeStyle = "#ccc";
    g.fillStyle = "#333";
    g.lineWidth = 1;
    g.textAlign = "center";
    g.textBaseline = "top";
    const xt = ticks(x0, x1, Math.floor((right - left) / 80));
    xt.values.forEach((t, i) => {
        g.beginPath();
        g.moveTo(X(t), top);
        g.lineTo(X(t), bottom);
        g.stroke();
        g.fillText(xt.labels[i], X(t), bottom + 4);
    });
    g.textAlign = "right";
    g.textBaseline = "middle";
    const yt = ticks(y0, y1, Math.floor((bottom - top) / 30), 3, options.whole_y ? 1 : 0);
    yt.values.forEach((t, i) => {
        g.beginPath();
        g.moveTo(left, Y(t));
        g.lineTo(right, Y(t));
        g.stroke();
        g.fillText(yt.labels[i], left - 4, Y(t));
    });
    let y2t = null;
    if (options.y2) {
        g.textAlign = "left";
        const shift = options.y2.shift;
        y2t = ticks(y0 + shift, y1 + shift, Math.floor((bottom - top) / 30));
        y2t.values.forEach((t, i) => g.fillText(y2t.labels[i], right + 4, Y(t - shift)));
    }
    g.strokeStyle = "#666";
    g.strokeRect(left, top, right - left, bottom - top);
    g.textAlign = "center";
    g.textBaseline = "bottom";
    if (options.xlabel)
        g.fillText(options.xlabel, (left + right) / 2, height - 1);
    const vertical = (text, x) => {
        g.save();
        g.translate(x, (top + bottom) / 2);
        g.rotate(-Math.PI / 2);
        g.textBaseline = "top";
        g.fillText(text, 0, 0);
        g.restore();
    };
    if (options.ylabel)
        vertical(options.ylabel, 2);
    if (options.y2)
        vertical(options.y2.label, width - 14);

    g.save();
    g.beginPath();
    g.rect(left, top, right - left, bottom - top);
    g.clip();
    if (options.hline !== undefined) {
        g.setLineDash([4, 4]);
        g.strokeStyle = "#999";
        g.beginPath();
        g.moveTo(left, Y(options.hline));
        g.lineTo(right, Y(options.hline));
        g.stroke();
        g.setLineDash([]);
    }
    for (const s of series) {
        g.strokeStyle = s.color;
        g.lineWidth = s.width ?? 1.5;
        g.lineJoin = "round"; /* a column's line turns back on itself: a mitred join would stick out */
        g.beginPath();
        let pen = false;
        const n = Math.min(s.x.length, s.y.length);
        /* x in order (a time axis) and many points a pixel: of each pixel column draw
           only the first, lowest, highest and last point, in the order they come,
           a subsequence of the line that looks the same as drawing all of it */
        const columnwise = options.ordered && n > 4 * (right - left);
        let column = NaN;
        let lo = [0, 0]; /* [x, y] of the column's lowest point */
        let hi = [0, 0];
        let last = [0, 0];
        let lowFirst = true; /* the lowest point came before the highest */
        const flush = () => {
            if (!Number.isNaN(column))
                for (const [x, y] of lowFirst ? [lo, hi, last] : [hi, lo, last])
                    g.lineTo(x, Y(y));
        };
        for (let i = 0; i < n; i++) {
            const y = s.y[i];
            if (!Number.isFinite(y)) {
                flush();
                column = NaN;
                pen = false;
                continue;
            }
            const px = X(s.x[i]);
            if (columnwise && pen && Math.floor(px) === column) {
                if (y < lo[1]) {
                    lo = [px, y];
                    lowFirst = false;
                }
                if (y > hi[1]) {
                    hi = [px, y];
                    lowFirst = true;
                }
                last = [px, y];
                continue;
            }
            if (columnwise) {
                flush();
                column = Math.floor(px);
                lo = hi = last = [px, y];
            }
            if (pen)
                g.lineTo(px, Y(y));
            else
                g.moveTo(px, Y(y));
            pen = true;
        }
        flush();
        g.stroke();
        if (s.points) {
            g.fillStyle = s.color;
            for (let i = 0; i < n; i++)
                if (Number.isFinite(s.y[i]))
                    g.fillRect(X(s.x[i]) - 2.5, Y(s.y[i]) - 2.5, 5, 5);
        }
    }
    if (options.marks) {
        g.fillStyle = options.mark_color ?? "#d62728";
        for (const t of options.marks) {
            g.beginPath();
            g.moveTo(X(t), top + 9);
            g.lineTo(X(t) - 5, top + 1);
            g.lineTo(X(t) + 5, top + 1);
            g.fill();
        }
    }
    if (options.cursor !== undefined) {
        g.strokeStyle = "rgba(0, 0, 0, 0.5)";
        g.beginPath();
        g.moveTo(X(options.cursor), top);
        g.lineTo(X(options.cursor), bottom);
        g.stroke();
    }
    g.restore();

    /* the legend, above the plotting area */
    g.textAlign = "left";
    g.textBaseline = "middle";
    for (const { label, color, x, y } of legend.entries) {
        g.fillStyle = color;
        g.fillRect(x, y - 1, 16, 3);
        g.fillStyle = "#222";
        g.fillText(label, x + 20, y);
    }

    Object.assign(canvas.dataset, {
        frame: JSON.stringify({ left, right, top, bottom, x0, x1, y0, y1 }),
        xticks: JSON.stringify(xt.labels), yticks: JSON.stringify(yt.labels),
        y2ticks: JSON.stringify(y2t ? y2t.labels : []),
        xlabel: options.xlabel ?? "", ylabel: options.ylabel ?? "", y2label: options.y2?.label ?? "",
        legend: JSON.stringify({ top: 0, bottom: legend.rows > 0 ? LEGEND_TOP + legend.rows * LEGEND_ROW : 0,
                                 entries: legend.entries.map(({ label, color }) => ({ label, color })) }),
    });
}
