package jewel.schemes.stream;

import java.util.List;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Sink;

/** Stream fan-out shapes the schemes share. */
public final class Fanout {
  private Fanout() {}

  /**
   * One sink that feeds every element to all {@code sinks}, at the pace of the slowest, and
   * materializes all their values. If one of them stops, all stop: a store is all or nothing.
   */
  public static <T, M> Sink<T, List<M>> toAll(List<Sink<T, M>> sinks) {
    if (sinks.size() == 1) {
      return sinks.get(0).mapMaterializedValue(List::of);
    }
    return Sink.fromGraph(
        GraphDSL.create(
            sinks,
            (builder, shapes) -> {
              UniformFanOutShape<T, T> split = builder.add(Broadcast.create(shapes.size(), true));
              for (int i = 0; i < shapes.size(); i++) {
                builder.from(split.out(i)).to(shapes.get(i));
              }
              return SinkShape.of(split.in());
            }));
  }
}
