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

/* Round tick positions covering [lo, hi], about `count` of them. */
export function ticks(lo, hi, count = 5) {
    if (!(hi > lo))
        return [lo];
    const raw = (hi - lo) / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
}

function tick_text(v) {
    return Number.isInteger(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, "");
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

/* Draw on `canvas`: series [{x, y, color, label, width}] against x; options:
   xlabel, ylabel, y2 ({ shift, label }: a right axis at y + shift), marks (x positions
   drawn as ticks at the top, with mark_color), hline (a dashed level), cursor (an x),
   xrange, yrange (or range_of: the series whose values set it), legend, ordered (x never decreases: many points are drawn a pixel column at a time). */
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
    const [x0, x1] = options.xrange ?? extent(series, "x");
    const [y0, y1] = options.yrange ?? extent(options.range_of ?? series, "y");
    const left = MARGIN.left;
    const right = width - MARGIN.right;
    const top = MARGIN.top;
    const bottom = height - MARGIN.bottom;
    const X = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const Y = (y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);

    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = "#ccc";
    g.fillStyle = "#333";
    g.lineWidth = 1;
    g.textAlign = "center";
    g.textBaseline = "top";
    for (const t of ticks(x0, x1, Math.max(2, Math.floor((right - left) / 80)))) {
        g.beginPath();
        g.moveTo(X(t), top);
        g.lineTo(X(t), bottom);
        g.stroke();
        g.fillText(tick_text(t), X(t), bottom + 4);
    }
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (const t of ticks(y0, y1, Math.max(2, Math.floor((bottom - top) / 40)))) {
        g.beginPath();
        g.moveTo(left, Y(t));
        g.lineTo(right, Y(t));
        g.stroke();
        g.fillText(tick_text(t), left - 4, Y(t));
    }
    if (options.y2) {
        g.textAlign = "left";
        const shift = options.y2.shift;
        for (const t of ticks(y0 + shift, y1 + shift, Math.max(2, Math.floor((bottom - top) / 40))))
            g.fillText(tick_text(t), right + 4, Y(t - shift));
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

    const labelled = series.filter((s) => s.label);
    if (options.legend !== false && labelled.length > 0) {
        g.textAlign = "left";
        g.textBaseline = "middle";
        const rows = labelled.slice(0, 14);
        let y = top + 10;
        const w = Math.max(...rows.map((s) => g.measureText(s.label).width)) + 28;
        g.fillStyle = "rgba(255, 255, 255, 0.85)";
        g.fillRect(right - w - 6, top + 2, w + 4, rows.length * 14 + 4);
        for (const s of rows) {
            g.fillStyle = s.color;
            g.fillRect(right - w, y - 1, 16, 3);
            g.fillStyle = "#222";
            g.fillText(s.label, right - w + 20, y);
            y += 14;
        }
    }
}
