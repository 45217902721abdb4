package jewel.persistence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinView;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.BlockHolder;
import jewel.protocol.JewelSerializable;
import jewel.protocol.PeerState;
import jewel.protocol.PinnedBlock;

/**
 * What the registry knows, rebuilt from its events and saved in snapshots (Jackson CBOR through
 * {@link JewelSerializable}). Every map is keyed by a plain string so that it serializes without
 * key serializers:
 *
 * <ul>
 *   <li>{@code index}: file name → {@link IndexEntry} (size, root, scheme, time, tree key);
 *   <li>{@code trees}: tree key → {@link BlockTree} (layout and child blocks in order, and the
 *       files that use the tree);
 *   <li>{@code catalog}: block hex → tree keys of the trees that contain the block (a block's
 *       parent roots are those trees' roots, see {@link #parentRoots});
 *   <li>{@code book}: block hex → peers that hold it, sorted by {@link PeerId} order;
 *   <li>{@code clusterDefault} (null until someone sets it: the configured default applies) and
 *       {@code peerDefaults} by peer name;
 *   <li>{@code pins}: file name → its fractional {@link Pin} (files without one are absent);
 *   <li>{@code defaultFraction}: the cluster's default pin fraction (null until someone sets it:
 *       the configured {@code jewel.pins.default-fraction} applies);
 *   <li>{@code salts}: block hex → the block's salt, only for blocks whose salt was bumped (the
 *       others have salt 0);
 *   <li>{@code merkleRoots}: block hex → the Merkle root over its 64 KiB chunks, the first one a
 *       commit recorded for that block;
 *   <li>{@code peerSettings}: peer name → its {@link PeerSettings}, only for peers whose settings
 *       differ from {@link PeerSettings#DEFAULT};
 *   <li>{@code heldAsOf}: block hex → peer name → the registry's event number as of which the book
 *       knows that peer holds that block: the number of the commit that recorded it, or the mark of
 *       the holdings report that listed it. A holdings report with an earlier mark does not take
 *       the holder away (see {@link #holdingsReported}). A holder without one (states from before
 *       marks) counts as 0.
 *   <li>{@code peerStates}: peer name → whether it is up and since when, as the registry node last
 *       saw it (repair waits its grace from a holder's "down since").
 * </ul>
 *
 * <p>Salts and Merkle roots are kept per block, not per file: they leave the state with the block,
 * when no file references it any more, and so does a file's pin when the file is deleted. A file
 * replaced under the same name keeps its pin.
 *
 * <p>A tree is keyed by its root <em>and</em> a digest of its layout and children ({@link
 * #treeKey}), not by its root alone: the same content stored under two schemes has one root but two
 * different trees, and both files must stay readable. Identical trees (same content, same layout)
 * are shared and reference-counted by file name, so a block is orphaned exactly when the last file
 * whose tree contains it goes.
 *
 * <p>Immutable: the event methods ({@link #committed}, {@link #deleted}, {@link #holdingsReported},
 * {@link #defaultSchemeSet}, {@link #pinSet}, {@link #defaultPinSet}, {@link #peerSettingsSet},
 * {@link #saltBumped}) return a new state and copy only the maps an event touches. Maps handed to
 * the constructor are owned by the new state (wrapped, not copied), so do not change them
 * afterwards.
 */
public record RegistryState(
    Map<String, IndexEntry> index,
    Map<String, BlockTree> trees,
    Map<String, List<String>> catalog,
    Map<String, List<PeerId>> book,
    SchemeSpec clusterDefault,
    Map<String, SchemeSpec> peerDefaults,
    Map<String, Pin> pins,
    Double defaultFraction,
    Map<String, Long> salts,
    Map<String, String> merkleRoots,
    Map<String, PeerSettings> peerSettings,
    Map<String, Map<String, Long>> heldAsOf,
    Map<String, PeerState> peerStates)
    implements JewelSerializable {

  /** A file in the index: everything of {@link FileEntry} but its tree and holders. */
  public record IndexEntry(
      long size, BlockId root, SchemeSpec scheme, long storedAtMillis, String tree) {}

  /**
   * How a root block is rebuilt from its children, and which files use this tree.
   *
   * @param files names of the files whose index entries point at this tree, sorted
   */
  public record BlockTree(
      BlockId root, BlockLayout layout, List<TreeBlock> blocks, List<String> files) {
    public BlockTree {
      blocks = blocks == null ? List.of() : List.copyOf(blocks);
      files = files == null ? List.of() : List.copyOf(files);
    }

    /** The distinct child block ids, in tree order. */
    public Set<BlockId> blockIds() {
      Set<BlockId> ids = new LinkedHashSet<>();
      for (TreeBlock b : blocks) {
        ids.add(b.id());
      }
      return ids;
    }
  }

  /** A child of a block tree: its place (shard or jewel number), id and true length. */
  public record TreeBlock(int index, BlockId id, long length) {}

  public RegistryState {
    index = owned(index);
    trees = owned(trees);
    catalog = owned(catalog);
    book = owned(book);
    peerDefaults = owned(peerDefaults);
    // A snapshot from before fractional pins has none of these: they come back null.
    pins = owned(pins);
    salts = owned(salts);
    merkleRoots = owned(merkleRoots);
    peerSettings = owned(peerSettings);
    // A snapshot from before holdings marks has none: its holders count as recorded at 0.
    heldAsOf = owned(heldAsOf);
    // A snapshot from before peer states has none: every peer counts as never seen.
    peerStates = owned(peerStates);
  }

  public static RegistryState empty() {
    return new RegistryState(
        Map.of(), Map.of(), Map.of(), Map.of(), null, Map.of(), Map.of(), null, Map.of(), Map.of(),
        Map.of(), Map.of(), Map.of());
  }

  // ---------------------------------------------------------------- queries

  /** The file as the registry knows it now, holders from the book; empty if unknown. */
  public Optional<FileEntry> entry(FileName name) {
    IndexEntry e = index.get(name.value());
    return e == null ? Optional.empty() : Optional.of(compose(name.value(), e));
  }

  /** Every file, sorted by name. */
  public List<FileEntry> entries() {
    List<String> names = new ArrayList<>(index.keySet());
    Collections.sort(names);
    List<FileEntry> all = new ArrayList<>(names.size());
    for (String name : names) {
      all.add(compose(name, index.get(name)));
    }
    return all;
  }

  public int fileCount() {
    return index.size();
  }

  /** How many distinct blocks the files reference. */
  public int blockCount() {
    return catalog.size();
  }

  /** Whether some file references {@code block}. */
  public boolean knows(BlockId block) {
    return catalog.containsKey(block.hex());
  }

  /** The peers the book says hold {@code block}, in {@link PeerId} order. */
  public List<PeerId> holders(BlockId block) {
    List<PeerId> h = book.get(block.hex());
    return h == null ? List.of() : h;
  }

  /** The known blocks the book says {@code peer} holds. */
  public SortedSet<BlockId> heldBy(PeerId peer) {
    SortedSet<BlockId> held = new TreeSet<>();
    book.forEach(
        (hex, peers) -> {
          if (peers.contains(peer)) {
            held.add(new BlockId(hex));
          }
        });
    return held;
  }

  /** Whether {@code block} lies in {@code (after, upTo]}; a null bound is open. */
  public static boolean inRange(BlockId block, BlockId after, BlockId upTo) {
    return (after == null || block.compareTo(after) > 0)
        && (upTo == null || block.compareTo(upTo) <= 0);
  }

  private static boolean inRange(String hex, BlockId after, BlockId upTo) {
    return (after == null || hex.compareTo(after.hex()) > 0)
        && (upTo == null || hex.compareTo(upTo.hex()) <= 0);
  }

  /**
   * The registry's event number as of which the book knows {@code peer} holds {@code block} (see
   * {@code heldAsOf} above); 0 if it does not say, or if the book does not list it.
   */
  public long heldAsOf(BlockId block, PeerId peer) {
    return heldAsOf(block.hex(), peer);
  }

  private long heldAsOf(String hex, PeerId peer) {
    Map<String, Long> peers = heldAsOf.get(hex);
    Long asOf = peers == null ? null : peers.get(peer.name());
    return asOf == null ? 0 : asOf;
  }

  /**
   * Whether a report that {@code peer} holds {@code blocks} among the ids in {@code (after, upTo]}
   * as of {@code asOf} would change the book ({@link #holdingsReported}): it lists a known block
   * the book does not give to that peer, or leaves out one the book recorded it holding as of
   * {@code asOf} or earlier.
   */
  public boolean reportChangesBook(
      PeerId peer, BlockId after, BlockId upTo, Collection<BlockId> blocks, long asOf) {
    Set<String> listed = new HashSet<>();
    for (BlockId b : blocks) {
      if (b != null && knows(b) && inRange(b, after, upTo)) {
        listed.add(b.hex());
        if (!holders(b).contains(peer)) {
          return true;
        }
      }
    }
    for (Map.Entry<String, List<PeerId>> e : book.entrySet()) {
      if (!listed.contains(e.getKey())
          && e.getValue().contains(peer)
          && inRange(e.getKey(), after, upTo)
          && heldAsOf(e.getKey(), peer) <= asOf) {
        return true;
      }
    }
    return false;
  }

  /** The roots of the block trees that contain {@code block} (sorted, distinct). */
  public SortedSet<BlockId> parentRoots(BlockId block) {
    SortedSet<BlockId> roots = new TreeSet<>();
    for (String key : catalog.getOrDefault(block.hex(), List.of())) {
      BlockTree t = trees.get(key);
      if (t != null) {
        roots.add(t.root());
      }
    }
    return roots;
  }

  /** The blocks of {@code file} that no file references in this state, in tree order. */
  public List<BlockId> orphansOf(FileEntry file) {
    Set<BlockId> seen = new LinkedHashSet<>();
    for (StoredBlock b : file.blocks()) {
      if (!knows(b.id())) {
        seen.add(b.id());
      }
    }
    return List.copyOf(seen);
  }

  /** Whether the index has a file called {@code name}. */
  public boolean has(FileName name) {
    return index.containsKey(name.value());
  }

  /** The pin of {@code name}, or null if it has none. */
  public Pin pin(FileName name) {
    return pins.get(name.value());
  }

  public int pinCount() {
    return pins.size();
  }

  /** The default pin fraction: the one last set, or {@code configured} if none was. */
  public double defaultFraction(double configured) {
    return defaultFraction != null ? defaultFraction : configured;
  }

  /** The salt of {@code block}: 0 until the availability scan bumps it. */
  public long salt(BlockId block) {
    return salts.getOrDefault(block.hex(), 0L);
  }

  /** The Merkle root recorded for {@code block}, or null if no commit carried one. */
  public String merkleRoot(BlockId block) {
    return merkleRoots.get(block.hex());
  }

  /** The settings of {@code peer}: {@link PeerSettings#DEFAULT} unless some were set. */
  public PeerSettings peerSettings(PeerId peer) {
    return peerSettings.getOrDefault(peer.name(), PeerSettings.DEFAULT);
  }

  /** The peers whose settings are not the defaults, sorted by peer name. */
  public Map<String, PeerSettings> sortedPeerSettings() {
    return Collections.unmodifiableMap(new TreeMap<>(peerSettings));
  }

  /** The bytes of a file's blocks (every block of its tree, as stored), or 0 if unknown. */
  public long blockBytes(FileName name) {
    IndexEntry e = index.get(name.value());
    return e == null ? 0 : blockBytes(tree(name.value(), e));
  }

  /**
   * The pin of {@code name} as a line of a listing, or empty if the file has no pin: its fraction
   * in force comes from the pin, its blocks' bytes and {@code defaultFraction}.
   */
  public Optional<PinView> pinView(FileName name, double defaultFraction) {
    Pin pin = pins.get(name.value());
    IndexEntry e = index.get(name.value());
    if (pin == null || e == null) {
      return Optional.empty();
    }
    long bytes = blockBytes(tree(name.value(), e));
    return Optional.of(
        new PinView(name, pin, pin.effectiveFraction(defaultFraction, bytes), bytes));
  }

  /** Every pinned file's line, sorted by file name. */
  public List<PinView> pinViews(double defaultFraction) {
    List<PinView> views = new ArrayList<>(pins.size());
    for (String name : new TreeSet<>(pins.keySet())) {
      pinView(new FileName(name), defaultFraction).ifPresent(views::add);
    }
    return views;
  }

  /**
   * Every block of every pinned file, as peers need it to compute their share: in block id order
   * (the order of the plan's pages), a block listed once. A block that two pinned files share (same
   * content) takes the <em>higher</em> of their fractions, and the name of a file that asks for it,
   * so that it is never held by fewer peers than one of its files asks for.
   */
  public List<PinnedBlock> pinnedBlocks(double defaultFraction) {
    Map<String, PinnedBlock> byBlock = new TreeMap<>();
    for (String name : new TreeSet<>(pins.keySet())) {
      IndexEntry e = index.get(name);
      if (e == null) {
        continue;
      }
      BlockTree tree = tree(name, e);
      double fraction = pins.get(name).effectiveFraction(defaultFraction, blockBytes(tree));
      for (TreeBlock b : tree.blocks()) {
        PinnedBlock seen = byBlock.get(b.id().hex());
        if (seen == null || fraction > seen.fraction()) {
          byBlock.put(
              b.id().hex(),
              new PinnedBlock(
                  new FileName(name),
                  b.id(),
                  b.length(),
                  salt(b.id()),
                  fraction,
                  holders(b.id()),
                  merkleRoot(b.id()),
                  usedUnpinned(b.id())));
        }
      }
    }
    return List.copyOf(byBlock.values());
  }

  /** Whether a file without a pin uses {@code block}. */
  private boolean usedUnpinned(BlockId block) {
    for (String key : catalog.getOrDefault(block.hex(), List.of())) {
      BlockTree t = trees.get(key);
      if (t != null && t.files().stream().anyMatch(f -> !pins.containsKey(f))) {
        return true;
      }
    }
    return false;
  }

  /** The per-peer defaults, sorted by peer name. */
  public Map<String, SchemeSpec> sortedPeerDefaults() {
    return Collections.unmodifiableMap(new TreeMap<>(peerDefaults));
  }

  private BlockTree tree(String name, IndexEntry e) {
    BlockTree tree = trees.get(e.tree());
    if (tree == null) {
      throw new IllegalStateException(
          "registry state broken: file '" + name + "' has no tree " + e.tree());
    }
    return tree;
  }

  private static long blockBytes(BlockTree tree) {
    long bytes = 0;
    for (TreeBlock b : tree.blocks()) {
      bytes += b.length();
    }
    return bytes;
  }

  private FileEntry compose(String name, IndexEntry e) {
    BlockTree tree = tree(name, e);
    List<StoredBlock> blocks = new ArrayList<>(tree.blocks().size());
    for (TreeBlock b : tree.blocks()) {
      blocks.add(
          new StoredBlock(b.index(), b.id(), b.length(), holders(b.id()), merkleRoot(b.id())));
    }
    return new FileEntry(
        new FileName(name),
        e.size(),
        e.root(),
        e.scheme(),
        tree.layout(),
        blocks,
        e.storedAtMillis());
  }

  // ---------------------------------------------------------------- events

  /**
   * {@code entry} enters the index, replacing any file of its name, by the registry's event number
   * {@code eventNr}. Its tree is added (or shared if an identical one exists), its blocks enter the
   * catalog and its holders are added to the book as of {@code eventNr}, and the Merkle roots it
   * carries are recorded for blocks that have none yet. The replaced file's tree is released:
   * blocks no tree contains any more leave the catalog, the book, the salts and the roots. A pin on
   * the name stays.
   */
  public RegistryState committed(FileEntry entry, long eventNr) {
    String name = entry.name().value();
    List<TreeBlock> children = children(entry.blocks());
    String key = treeKey(entry.root(), entry.layout(), children);

    Map<String, IndexEntry> newIndex = new HashMap<>(index);
    Map<String, BlockTree> newTrees = new HashMap<>(trees);
    Map<String, List<String>> newCatalog = new HashMap<>(catalog);
    Map<String, List<PeerId>> newBook = new HashMap<>(book);
    Map<String, Long> newSalts = new HashMap<>(salts);
    Map<String, String> newRoots = new HashMap<>(merkleRoots);
    Map<String, Map<String, Long>> newHeldAsOf = new HashMap<>(heldAsOf);

    IndexEntry old =
        newIndex.put(
            name,
            new IndexEntry(
                entry.size(), entry.root(), entry.scheme(), entry.storedAtMillis(), key));

    BlockTree tree = newTrees.get(key);
    if (tree == null) {
      tree = new BlockTree(entry.root(), entry.layout(), children, List.of(name));
      newTrees.put(key, tree);
      for (BlockId id : tree.blockIds()) {
        newCatalog.put(id.hex(), plus(newCatalog.get(id.hex()), key, Comparator.naturalOrder()));
      }
    } else if (!tree.files().contains(name)) {
      newTrees.put(
          key,
          new BlockTree(
              tree.root(),
              tree.layout(),
              tree.blocks(),
              plus(tree.files(), name, Comparator.naturalOrder())));
    }

    for (StoredBlock b : entry.blocks()) {
      if (!b.holders().isEmpty()) {
        newBook.put(b.id().hex(), union(newBook.get(b.id().hex()), b.holders()));
        newHeldAsOf.put(b.id().hex(), asOf(newHeldAsOf.get(b.id().hex()), b.holders(), eventNr));
      }
      if (b.merkleRoot() != null && !b.merkleRoot().isBlank()) {
        newRoots.putIfAbsent(b.id().hex(), b.merkleRoot());
      }
    }

    // Release the replaced file's tree last, so blocks it shares with the new one stay.
    if (old != null && !old.tree().equals(key)) {
      release(name, old.tree(), newTrees, newCatalog, newBook, newSalts, newRoots, newHeldAsOf);
    }
    return change()
        .index(newIndex)
        .trees(newTrees)
        .catalog(newCatalog)
        .book(newBook)
        .salts(newSalts)
        .merkleRoots(newRoots)
        .heldAsOf(newHeldAsOf)
        .build();
  }

  /**
   * {@code name} leaves the index with its pin; blocks no remaining file references leave the
   * catalog, the book, the salts and the roots.
   */
  public RegistryState deleted(FileName name) {
    IndexEntry old = index.get(name.value());
    if (old == null) {
      return this;
    }
    Map<String, IndexEntry> newIndex = new HashMap<>(index);
    newIndex.remove(name.value());
    Map<String, BlockTree> newTrees = new HashMap<>(trees);
    Map<String, List<String>> newCatalog = new HashMap<>(catalog);
    Map<String, List<PeerId>> newBook = new HashMap<>(book);
    Map<String, Long> newSalts = new HashMap<>(salts);
    Map<String, String> newRoots = new HashMap<>(merkleRoots);
    Map<String, Map<String, Long>> newHeldAsOf = new HashMap<>(heldAsOf);
    release(
        name.value(), old.tree(), newTrees, newCatalog, newBook, newSalts, newRoots, newHeldAsOf);
    Map<String, Pin> newPins = pins;
    if (pins.containsKey(name.value())) {
      newPins = new HashMap<>(pins);
      newPins.remove(name.value());
    }
    return change()
        .index(newIndex)
        .trees(newTrees)
        .catalog(newCatalog)
        .book(newBook)
        .pins(newPins)
        .salts(newSalts)
        .merkleRoots(newRoots)
        .heldAsOf(newHeldAsOf)
        .build();
  }

  /**
   * {@code peer} holds exactly {@code blocks} among the known ones with ids in {@code (after,
   * upTo]} (null bounds: open), listed after the registry's event number {@code asOf}: it is added
   * as a holder of those (as of {@code asOf}, unless the book knows it from later) and removed from
   * every other block in the range that the book recorded it holding as of {@code asOf} or earlier.
   * A holder recorded later stays: the listing may have been taken before that block reached the
   * peer (a report on its way while a commit went through). Unknown blocks are ignored.
   */
  public RegistryState holdingsReported(
      PeerId peer, BlockId after, BlockId upTo, Collection<BlockId> blocks, long asOf) {
    Set<String> now = new HashSet<>();
    for (BlockId b : blocks) {
      if (knows(b) && inRange(b, after, upTo)) {
        now.add(b.hex());
      }
    }
    Map<String, List<PeerId>> newBook = new HashMap<>(book);
    Map<String, Map<String, Long>> newHeldAsOf = new HashMap<>(heldAsOf);
    for (Map.Entry<String, List<PeerId>> e : book.entrySet()) {
      String hex = e.getKey();
      if (!now.contains(hex)
          && e.getValue().contains(peer)
          && inRange(hex, after, upTo)
          && heldAsOf(hex, peer) <= asOf) {
        List<PeerId> rest = minus(e.getValue(), peer);
        if (rest.isEmpty()) {
          newBook.remove(hex);
          newHeldAsOf.remove(hex);
        } else {
          newBook.put(hex, rest);
          Map<String, Long> peers = without(newHeldAsOf.get(hex), peer.name());
          if (peers.isEmpty()) {
            newHeldAsOf.remove(hex);
          } else {
            newHeldAsOf.put(hex, peers);
          }
        }
      }
    }
    for (String hex : now) {
      newBook.put(hex, plus(newBook.get(hex), peer, Comparator.naturalOrder()));
      if (heldAsOf(hex, peer) < asOf) {
        newHeldAsOf.put(hex, asOf(newHeldAsOf.get(hex), List.of(peer), asOf));
      }
    }
    return change().book(newBook).heldAsOf(newHeldAsOf).build();
  }

  /**
   * The cluster's default ({@code peer} null) or {@code peer}'s default becomes {@code scheme}; a
   * null scheme for a peer removes that peer's default.
   */
  public RegistryState defaultSchemeSet(PeerId peer, SchemeSpec scheme) {
    if (peer == null) {
      return change().clusterDefault(scheme).build();
    }
    Map<String, SchemeSpec> newDefaults = new HashMap<>(peerDefaults);
    if (scheme == null) {
      newDefaults.remove(peer.name());
    } else {
      newDefaults.put(peer.name(), scheme);
    }
    return change().peerDefaults(newDefaults).build();
  }

  /**
   * {@code name} gets {@code pin}, or loses its pin if {@code pin} is null. Unknown files are
   * ignored.
   */
  public RegistryState pinSet(FileName name, Pin pin) {
    if (!has(name)) {
      return this;
    }
    Map<String, Pin> newPins = new HashMap<>(pins);
    if (pin == null) {
      newPins.remove(name.value());
    } else {
      newPins.put(name.value(), pin);
    }
    return change().pins(newPins).build();
  }

  /** The cluster's default pin fraction becomes {@code fraction}. */
  public RegistryState defaultPinSet(double fraction) {
    return change().defaultFraction(fraction).build();
  }

  /** {@code peer}'s settings become {@code settings}; the defaults (or null) remove its entry. */
  public RegistryState peerSettingsSet(PeerId peer, PeerSettings settings) {
    Map<String, PeerSettings> newSettings = new HashMap<>(peerSettings);
    if (settings == null || settings.equals(PeerSettings.DEFAULT)) {
      newSettings.remove(peer.name());
    } else {
      newSettings.put(peer.name(), settings);
    }
    return change().peerSettings(newSettings).build();
  }

  /** {@code block}'s salt becomes {@code salt}. Blocks no file references are ignored. */
  public RegistryState saltBumped(BlockId block, long salt) {
    if (!knows(block)) {
      return this;
    }
    Map<String, Long> newSalts = new HashMap<>(salts);
    if (salt == 0) {
      newSalts.remove(block.hex());
    } else {
      newSalts.put(block.hex(), salt);
    }
    return change().salts(newSalts).build();
  }

  /**
   * A repair's new copies enter the book, as of the registry's event number {@code eventNr}. Copies
   * of blocks no file references any more (deleted meanwhile) are ignored.
   */
  public RegistryState copiesRecorded(List<BlockHolder> copies, long eventNr) {
    Map<String, List<PeerId>> newBook = new HashMap<>(book);
    Map<String, Map<String, Long>> newHeldAsOf = new HashMap<>(heldAsOf);
    for (BlockHolder c : copies) {
      if (knows(c.block())) {
        String hex = c.block().hex();
        newBook.put(hex, union(newBook.get(hex), List.of(c.peer())));
        newHeldAsOf.put(hex, asOf(newHeldAsOf.get(hex), List.of(c.peer()), eventNr));
      }
    }
    return change().book(newBook).heldAsOf(newHeldAsOf).build();
  }

  /** {@code up} went up and {@code down} went down at {@code atMillis}. */
  public RegistryState peerStatesChanged(List<PeerId> up, List<PeerId> down, long atMillis) {
    Map<String, PeerState> newStates = new HashMap<>(peerStates);
    up.forEach(p -> newStates.put(p.name(), new PeerState(true, atMillis)));
    down.forEach(p -> newStates.put(p.name(), new PeerState(false, atMillis)));
    return change().peerStates(newStates).build();
  }

  /** Since when each peer that is down has been down (epoch ms), by the states recorded. */
  public Map<PeerId, Long> downSince() {
    Map<PeerId, Long> down = new HashMap<>();
    peerStates.forEach(
        (name, state) -> {
          if (!state.up()) {
            down.put(new PeerId(name), state.sinceMillis());
          }
        });
    return down;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The key of a block tree: the root's hex, a colon, and the first 16 hex characters of a SHA-256
   * over the layout and the children. Only equality of keys matters: a change to this function
   * keeps old states correct (identical trees would just stop being shared).
   */
  static String treeKey(BlockId root, BlockLayout layout, List<TreeBlock> children) {
    StringBuilder s = new StringBuilder();
    s.append(layout.kind())
        .append('|')
        .append(layout.k())
        .append('|')
        .append(layout.n())
        .append('|')
        .append(layout.chunkSize())
        .append('|')
        .append(layout.codec());
    for (TreeBlock b : children) {
      s.append('|')
          .append(b.index())
          .append(':')
          .append(b.id().hex())
          .append(':')
          .append(b.length());
    }
    byte[] digest = Digests.sha256().digest(s.toString().getBytes(StandardCharsets.UTF_8));
    return root.hex() + ":" + HexFormat.of().formatHex(digest, 0, 8);
  }

  /** The file's blocks as tree children, ordered by index (stable for equal indexes). */
  static List<TreeBlock> children(List<StoredBlock> blocks) {
    List<TreeBlock> children = new ArrayList<>(blocks.size());
    for (StoredBlock b : blocks) {
      children.add(new TreeBlock(b.index(), b.id(), b.length()));
    }
    children.sort(Comparator.comparingInt(TreeBlock::index));
    return List.copyOf(children);
  }

  private static void release(
      String name,
      String key,
      Map<String, BlockTree> trees,
      Map<String, List<String>> catalog,
      Map<String, List<PeerId>> book,
      Map<String, Long> salts,
      Map<String, String> roots,
      Map<String, Map<String, Long>> heldAsOf) {
    BlockTree tree = trees.get(key);
    if (tree == null) {
      return;
    }
    List<String> files = minus(tree.files(), name);
    if (!files.isEmpty()) {
      trees.put(key, new BlockTree(tree.root(), tree.layout(), tree.blocks(), files));
      return;
    }
    trees.remove(key);
    for (BlockId id : tree.blockIds()) {
      List<String> parents = minus(catalog.getOrDefault(id.hex(), List.of()), key);
      if (parents.isEmpty()) {
        catalog.remove(id.hex());
        book.remove(id.hex());
        heldAsOf.remove(id.hex());
        salts.remove(id.hex());
        roots.remove(id.hex());
      } else {
        catalog.put(id.hex(), parents);
      }
    }
  }

  private static <T> List<T> plus(List<T> sorted, T item, Comparator<? super T> order) {
    if (sorted == null || sorted.isEmpty()) {
      return List.of(item);
    }
    if (sorted.contains(item)) {
      return sorted;
    }
    List<T> copy = new ArrayList<>(sorted.size() + 1);
    copy.addAll(sorted);
    copy.add(item);
    copy.sort(order);
    return List.copyOf(copy);
  }

  private static <T> List<T> minus(List<T> list, T item) {
    if (!list.contains(item)) {
      return list;
    }
    List<T> copy = new ArrayList<>(list);
    copy.remove(item);
    return List.copyOf(copy);
  }

  private static List<PeerId> union(List<PeerId> sorted, List<PeerId> more) {
    TreeSet<PeerId> all = new TreeSet<>(sorted == null ? List.of() : sorted);
    all.addAll(more);
    return List.copyOf(all);
  }

  /**
   * {@code byPeer} with each of {@code peers} known as of {@code eventNr} (never earlier than it
   * was).
   */
  private static Map<String, Long> asOf(
      Map<String, Long> byPeer, Collection<PeerId> peers, long eventNr) {
    Map<String, Long> copy = byPeer == null ? new HashMap<>() : new HashMap<>(byPeer);
    for (PeerId p : peers) {
      copy.merge(p.name(), eventNr, Math::max);
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Map<String, Long> without(Map<String, Long> byPeer, String peer) {
    if (byPeer == null || !byPeer.containsKey(peer)) {
      return byPeer == null ? Map.of() : byPeer;
    }
    Map<String, Long> copy = new HashMap<>(byPeer);
    copy.remove(peer);
    return Collections.unmodifiableMap(copy);
  }

  private static <K, V> Map<K, V> owned(Map<K, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(map);
  }

  /** A copy of this state to change field by field: each event method builds its state with one. */
  private Change change() {
    return new Change(this);
  }

  /** The fields of the next state; those not set stay as they are in this one. */
  private static final class Change {
    private Map<String, IndexEntry> index;
    private Map<String, BlockTree> trees;
    private Map<String, List<String>> catalog;
    private Map<String, List<PeerId>> book;
    private SchemeSpec clusterDefault;
    private Map<String, SchemeSpec> peerDefaults;
    private Map<String, Pin> pins;
    private Double defaultFraction;
    private Map<String, Long> salts;
    private Map<String, String> merkleRoots;
    private Map<String, PeerSettings> peerSettings;
    private Map<String, Map<String, Long>> heldAsOf;
    private Map<String, PeerState> peerStates;

    Change(RegistryState from) {
      index = from.index;
      trees = from.trees;
      catalog = from.catalog;
      book = from.book;
      clusterDefault = from.clusterDefault;
      peerDefaults = from.peerDefaults;
      pins = from.pins;
      defaultFraction = from.defaultFraction;
      salts = from.salts;
      merkleRoots = from.merkleRoots;
      peerSettings = from.peerSettings;
      heldAsOf = from.heldAsOf;
      peerStates = from.peerStates;
    }

    Change index(Map<String, IndexEntry> value) {
      index = value;
      return this;
    }

    Change trees(Map<String, BlockTree> value) {
      trees = value;
      return this;
    }

    Change catalog(Map<String, List<String>> value) {
      catalog = value;
      return this;
    }

    Change book(Map<String, List<PeerId>> value) {
      book = value;
      return this;
    }

    Change clusterDefault(SchemeSpec value) {
      clusterDefault = value;
      return this;
    }

    Change peerDefaults(Map<String, SchemeSpec> value) {
      peerDefaults = value;
      return this;
    }

    Change pins(Map<String, Pin> value) {
      pins = value;
      return this;
    }

    Change defaultFraction(Double value) {
      defaultFraction = value;
      return this;
    }

    Change salts(Map<String, Long> value) {
      salts = value;
      return this;
    }

    Change merkleRoots(Map<String, String> value) {
      merkleRoots = value;
      return this;
    }

    Change peerSettings(Map<String, PeerSettings> value) {
      peerSettings = value;
      return this;
    }

    Change heldAsOf(Map<String, Map<String, Long>> value) {
      heldAsOf = value;
      return this;
    }

    Change peerStates(Map<String, PeerState> value) {
      peerStates = value;
      return this;
    }

    RegistryState build() {
      return new RegistryState(
          index,
          trees,
          catalog,
          book,
          clusterDefault,
          peerDefaults,
          pins,
          defaultFraction,
          salts,
          merkleRoots,
          peerSettings,
          heldAsOf,
          peerStates);
    }
  }
}
