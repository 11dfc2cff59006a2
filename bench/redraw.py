"""Redraw benchmark of the live plots panel (target P3r: p95 ≤ 33 ms with 200 live series).

Each frame appends one new point to every series (as a picture update would), then runs the
panel's fixed-rate redraw (one batched `setData` per dirty colour group) and lets Qt paint what
the frame made dirty, offscreen (device pixel ratio 1, 1280x800, 8 plots). The frame time is that
whole step. The panel keeps each plot's curves as an image and a frame that only appends redraws
the strips that changed, so a frame costs less than stroking every polyline once; the printed
floor is that full stroke (the same polylines, pens and transforms, a bare QPainter on an image
of the panel's size, same run), and `full draws` counts the plot images drawn in full during the
measured frames (a range that moved, a new bin width). Run: `python -m bench.redraw`.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from bench.stats import percentile


@dataclass(frozen=True, slots=True)
class RedrawResult:
    """Frame times of the fixed-rate redraw, in milliseconds."""

    series: int
    metrics: int
    points_per_series: int
    frames: int
    every: int  # each series got a new point every `every` frames
    width: int
    height: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    update_p50_ms: float  # appending + setData + re-ranging
    paint_p50_ms: float  # rendering the view
    floor_paint_p50_ms: float = float("nan")  # the same polylines drawn by a bare QPainter
    full_draws: int = -1  # plot images drawn in full during the measured frames (-1: unknown)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def line(self) -> str:
        """One line for a report."""
        return (
            f"console redraw: {self.series} series ({self.metrics} plots, "
            f"{self.points_per_series} points each, a new point every {self.every} frame(s)), "
            f"{self.frames} frames at "
            f"{self.width}x{self.height}: p50 {self.p50_ms:.2f} ms, p95 {self.p95_ms:.2f} ms, "
            f"max {self.max_ms:.2f} ms (update p50 {self.update_p50_ms:.2f} ms + paint p50 "
            f"{self.paint_p50_ms:.2f} ms; {self.full_draws} of {self.frames * self.metrics} plot "
            f"images drawn in full, the rest in changed strips; target p95 ≤ "
            f"{self.target_ms:.0f} ms); floor: every polyline stroked once by a bare QPainter "
            f"p50 {self.floor_paint_p50_ms:.2f} ms, "
            f"p95 / floor {self.p95_ms / self.floor_paint_p50_ms:.1f}×, "
            f"{'met' if self.met else 'not met'}"
        )

    @property
    def target_ms(self) -> float:
        """The p95 budget: 33 ms when every series moves every frame, 16 ms otherwise."""
        return 33.0 if self.every == 1 else 16.0

    @property
    def met(self) -> bool:
        """Whether p95 is within its budget."""
        return self.p95_ms <= self.target_ms


def paint_floor(plots: Any, size: tuple[int, int], repeats: int = 30) -> float:
    """p50 ms of drawing every curve's polylines, with its pen and transform, into an image of
    the panel's size with a bare QPainter: the line pixels of a full repaint without the scene
    around them (the panel's frames redraw only the strips that changed, so they can beat it;
    measured right after the frames, so on a loaded machine it moves with the load too)."""
    from PySide6.QtGui import QImage, QPainter

    view = plots._graphics
    items = [
        (
            g.curve.deviceTransform(view.viewportTransform()),
            g.curve.opts["pen"],
            g.curve._polylines(),
        )
        for groups in plots._metric_groups.values()
        for g in groups
    ]
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        for transform, pen, polys in items:
            painter.setTransform(transform)
            painter.setPen(pen)
            for poly in polys:
                painter.drawPolyline(poly)
        painter.end()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return percentile(samples, 50)


def redraw_benchmark(
    series: int = 200,
    *,
    metrics: int = 8,
    points: int = 1800,
    frames: int = 240,
    warmup: int = 20,
    every: int = 1,
    size: tuple[int, int] = (1280, 800),
) -> RedrawResult:
    """Measure the frame time of redrawing `series` live curves spread over `metrics` plots.

    `every=1` is the worst case (every series has a new point on every frame); `every=30` at
    30 frames/s is one point per series per second, closer to real feeds.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from ui.console.plots import LivePlots

    app = QApplication.instance() or QApplication([])
    plots = LivePlots(fps=1.0, capacity=max(points, 2) * 2, columns=2)
    plots.timer.stop()  # frames are driven by hand, one after another
    plots.resize(*size)
    plots.show()
    app.processEvents()
    rng = np.random.default_rng(1)
    per_metric = -(-series // metrics)
    keys = [(f"z{i % per_metric:02d}", f"m{i // per_metric}") for i in range(series)]
    t0 = 1_750_000_000.0
    ts = t0 + np.arange(points, dtype=float)
    for zone, metric in keys:
        plots.extend(zone, metric, ts.tolist(), np.cumsum(rng.normal(0, 1, points)).tolist())
    for metric in {m for _, m in keys}:
        plots.set_thresholds(metric, [(10.0, 2), (20.0, 3), (30.0, 4)])
    painted = [0]
    viewport = plots._graphics.viewport()

    class _Counter(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted[0] += 1
            return False

    counter = _Counter()
    viewport.installEventFilter(counter)
    times: list[float] = []
    full_before = 0
    updates: list[float] = []
    paints: list[float] = []
    noise = rng.normal(0, 1, (warmup + frames, series))
    for f in range(warmup + frames):
        if f == warmup:
            full_before = plots.full_draws()
        start = time.perf_counter()
        t = t0 + points + f
        for i, (zone, metric) in enumerate(keys):
            if (i + f) % every == 0:
                plots.append(zone, metric, t, float(noise[f, i]))
        plots.redraw()
        mid = time.perf_counter()
        # let Qt paint what the frame made dirty, as the event loop does after the timer's slot
        app.processEvents()
        end = time.perf_counter()
        if f >= warmup:
            times.append((end - start) * 1000.0)
            updates.append((mid - start) * 1000.0)
            paints.append((end - mid) * 1000.0)
    if painted[0] < frames:
        raise RuntimeError(f"only {painted[0]} paints for {frames} frames: nothing was measured")
    full_draws = plots.full_draws() - full_before
    floor = paint_floor(plots, size)
    plots.hide()
    plots.deleteLater()
    app.processEvents()
    return RedrawResult(
        series=series,
        metrics=len({m for _, m in keys}),
        points_per_series=points,
        frames=frames,
        every=every,
        width=size[0],
        height=size[1],
        p50_ms=percentile(times, 50),
        p95_ms=percentile(times, 95),
        max_ms=max(times),
        mean_ms=sum(times) / len(times),
        update_p50_ms=percentile(updates, 50),
        paint_p50_ms=percentile(paints, 50),
        floor_paint_p50_ms=floor,
        full_draws=full_draws,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: print the figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--metrics", type=int, default=8)
    parser.add_argument("--points", type=int, default=1800)
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument(
        "--every", type=int, nargs="*", default=[1, 30], help="frames between new points"
    )
    args = parser.parse_args(argv)
    for every in args.every:
        result = redraw_benchmark(
            args.series,
            metrics=args.metrics,
            points=args.points,
            frames=args.frames,
            every=every,
        )
        print(result.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
