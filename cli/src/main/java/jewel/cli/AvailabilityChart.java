package jewel.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The experiment's chart, a PNG: availability against D, for each p (one for all peers, or each
 * peer's observed one) the formula's values as a curve through the schemes (sorted by D), the
 * measured availability as dots, and each dot's confidence interval as a vertical bar, all in the
 * colour of its p.
 */
final class AvailabilityChart {
  private static final Color[] COLOURS = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
    new Color(0x8c564b),
  };

  private AvailabilityChart() {}

  /**
   * One scheme at one p, as the experiment measured it.
   *
   * @param p the p as the legend names it: {@code p = 0.25}, or {@code observed}
   */
  record Point(
      String scheme,
      double redundancy,
      String p,
      double measured,
      Wilson interval,
      double formula) {}

  /** Writes the chart of {@code points} to {@code file} as a PNG. */
  static void write(List<Point> points, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(600)
            .title(
                "Availability against D: measured (dots, "
                    + percent(Wilson.LEVEL)
                    + " interval) beside the formula (diamonds)")
            .xAxisTitle("D (bytes stored / file size)")
            .yAxisTitle("availability (reads that succeeded)")
            .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setYAxisDecimalPattern("0.000");
    chart.getStyler().setXAxisDecimalPattern("0.00");
    chart.getStyler().setYAxisMax(1.0);
    double lowest =
        points.stream()
            .mapToDouble(pt -> Math.min(pt.formula(), pt.interval().low()))
            .min()
            .orElse(0);
    chart.getStyler().setYAxisMin(Math.max(0, Math.floor((lowest - 0.02) * 50) / 50));

    // Measured dots and their bars sit a little right of the formula's diamond at the same D.
    double minD = points.stream().mapToDouble(Point::redundancy).min().orElse(1);
    double maxD = points.stream().mapToDouble(Point::redundancy).max().orElse(1);
    double span = Math.max(maxD - minD, 1);
    double beside = span * 0.012;
    chart.getStyler().setXAxisMin(minD - span * 0.08);
    chart.getStyler().setXAxisMax(maxD + span * 0.3); // room for the names
    Map<String, List<Point>> byP = new LinkedHashMap<>();
    for (Point pt : points) {
      byP.computeIfAbsent(pt.p(), k -> new ArrayList<>()).add(pt);
    }
    int c = 0;
    for (Map.Entry<String, List<Point>> e : byP.entrySet()) {
      Color colour = COLOURS[c++ % COLOURS.length];
      List<Point> sorted =
          e.getValue().stream()
              .sorted(
                  Comparator.comparingDouble(Point::redundancy).thenComparingDouble(Point::formula))
              .toList();
      String p = e.getKey();
      XYSeries formula =
          chart.addSeries(
              p + ", formula",
              sorted.stream().mapToDouble(Point::redundancy).toArray(),
              sorted.stream().mapToDouble(Point::formula).toArray());
      formula.setLineColor(colour);
      formula.setMarker(SeriesMarkers.DIAMOND);
      formula.setMarkerColor(colour);
      formula.setLineStyle(SeriesLines.DASH_DASH);
      XYSeries measured =
          chart.addSeries(
              p + ", measured",
              sorted.stream().mapToDouble(pt -> pt.redundancy() + beside).toArray(),
              sorted.stream().mapToDouble(Point::measured).toArray());
      measured.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      measured.setMarker(SeriesMarkers.CIRCLE);
      measured.setMarkerColor(colour);
      int i = 0;
      for (Point pt : sorted) {
        XYSeries bar =
            chart.addSeries(
                p + " interval " + i++,
                new double[] {pt.redundancy() + beside, pt.redundancy() + beside},
                new double[] {pt.interval().low(), pt.interval().high()});
        bar.setShowInLegend(false);
        bar.setMarker(SeriesMarkers.NONE);
        bar.setLineColor(colour);
        bar.setLineStyle(new BasicStroke(1.5f));
        if (c == byP.size()) {
          // The schemes' names, once, beside the last p's diamonds.
          // (a text annotation is centred on its x: move it right by half its width)
          double halfWidth = pt.scheme().length() * 3.2 * (span * 1.38) / 800;
          chart.addAnnotation(
              new AnnotationText(
                  pt.scheme(), pt.redundancy() + 3 * beside + halfWidth, pt.formula(), false));
        }
      }
    }
    chart
        .getStyler()
        .setAnnotationTextFont(
            new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
    chart.getStyler().setAnnotationTextFontColor(Color.DARK_GRAY);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static String percent(double level) {
    return String.format(Locale.ROOT, "%.0f%%", level * 100);
  }
}
