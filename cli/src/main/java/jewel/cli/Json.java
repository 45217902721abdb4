package jewel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jewel.api.FileEntry;
import jewel.api.FileStatus;
import jewel.api.NodeStatus;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.StoreResult;
import jewel.api.StoredBlock;
import jewel.placement.Durability;

/**
 * The {@code --json} documents: one per command, on stdout, with exact byte counts and full block
 * ids. Built as plain maps so the field names are the contract, not the records'.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static void print(PrintWriter out, Object document) {
    try {
      out.println(MAPPER.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  static Map<String, Object> node(NodeStatus n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", n.name());
    m.put("address", n.address());
    m.put("roles", n.roles());
    m.put("status", n.status());
    m.put("blocks", n.blocks() < 0 ? null : n.blocks());
    m.put("bytes", n.bytes() < 0 ? null : n.bytes());
    m.put("greylisted", n.greylisted());
    m.put("overQuota", n.overQuota());
    m.put("api", n.api());
    m.put("s3", n.s3());
    m.put("bytesIn", n.bytesIn() < 0 ? null : n.bytesIn());
    m.put("bytesOut", n.bytesOut() < 0 ? null : n.bytesOut());
    m.put("availability", n.availability());
    m.put("observedMillis", n.observedMillis());
    return m;
  }

  static Map<String, Object> file(FileEntry e) {
    Durability d = Durability.of(e);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name().value());
    m.put("size", e.size());
    m.put("root", e.root().hex());
    m.put("scheme", e.scheme() == null ? null : e.scheme().toString());
    m.put("d", finite(d.redundancy()));
    m.put("m", d.minPeersUp() < 0 ? null : d.minPeersUp());
    m.put("survives", d.survives() < 0 ? null : d.survives());
    m.put("storedBytes", e.storedBytes());
    m.put("storedAtMillis", e.storedAtMillis());
    return m;
  }

  static Map<String, Object> layout(FileEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (e.layout() != null) {
      m.put("kind", e.layout().kind());
      m.put("k", e.layout().k());
      m.put("n", e.layout().n());
      m.put("chunkSize", e.layout().chunkSize());
      m.put("codec", e.layout().codec());
    }
    return m;
  }

  static Map<String, Object> stored(StoreResult r) {
    Map<String, Object> m = file(r.entry());
    m.put("d", finite(r.redundancy()));
    m.put("m", r.minPeersUp());
    m.put("survives", r.survives());
    m.put("availability", r.availability());
    m.put("blocks", blocks(r.entry().blocks()));
    return m;
  }

  static List<Map<String, Object>> blocks(List<StoredBlock> blocks) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (StoredBlock b : blocks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", b.index());
      m.put("id", b.id().hex());
      m.put("size", b.length());
      m.put("holders", names(b.holders()));
      list.add(m);
    }
    return list;
  }

  static Map<String, Object> status(FileStatus s, boolean readable) {
    Map<String, Object> m = file(s.entry());
    m.put("layout", layout(s.entry()));
    m.put("livePeers", s.livePeers().stream().sorted().collect(Collectors.toList()));
    m.put("readable", readable);
    if (s.pin() != null) {
      Map<String, Object> pin = new LinkedHashMap<>();
      pin.put("fraction", s.pin().pin().fraction());
      pin.put(
          "sizeLimit", s.pin().pin().sizeLimitBytes() > 0 ? s.pin().pin().sizeLimitBytes() : null);
      pin.put("effectiveFraction", s.pin().effectiveFraction());
      m.put("pin", pin);
    }
    List<Map<String, Object>> blocks = new ArrayList<>();
    for (FileStatus.BlockStatus b : s.blocks()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("index", b.index());
      bm.put("id", b.id());
      bm.put("size", b.size());
      bm.put("holders", b.holders());
      bm.put("live", b.live());
      bm.put("salt", b.salt());
      bm.put("expected", b.expected());
      blocks.add(bm);
    }
    m.put("blocks", blocks);
    return m;
  }

  static Map<String, Object> contents(PeerContents c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peer", c.peer().name());
    List<Map<String, Object>> files = new ArrayList<>();
    for (PeerContents.LocalFile f : c.files()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("name", f.name());
      fm.put("size", f.size());
      files.add(fm);
    }
    List<Map<String, Object>> blocks = new ArrayList<>();
    for (PeerContents.HeldBlock b : c.blocks()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("id", b.id().hex());
      bm.put("size", b.size());
      blocks.add(bm);
    }
    m.put("files", files);
    m.put("blocks", blocks);
    return m;
  }

  private static List<String> names(List<PeerId> peers) {
    return peers.stream().map(PeerId::name).collect(Collectors.toList());
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
