package jewel.api;

import java.util.List;

/** Every pinned file, and the fraction of pins that follow the cluster's default. */
public record PinTable(List<PinView> pins, double defaultFraction) {
  public PinTable {
    pins = List.copyOf(pins);
  }
}
