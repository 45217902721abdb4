package jewel.persistence;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
import jewel.api.ObjectAttributes;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinView;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;
import jewel.protocol.BlockCursor;
import jewel.protocol.BlockHolder;
import jewel.protocol.BucketInfo;
import jewel.protocol.JewelSerializable;
import jewel.protocol.MultipartInfo;
import jewel.protocol.Pages;
import jewel.protocol.PeerHistory;
import jewel.protocol.PeerState;
import jewel.protocol.PinnedBlock;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

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
 *       saw it (repair waits its grace from a holder's "down since");
 *   <li>{@code peerHistories}: peer name → its ups and downs over the availability window ({@code
 *       jewel.availability.window}, at most {@code jewel.availability.max-changes} of them), from
 *       which its observed availability is computed; the last change is its {@code peerStates}
 *       entry;
 *   <li>{@code tokens}: API token id ({@code t1}, {@code t2}, …) → its {@link StoredToken}: the
 *       SHA-256 of its secret (never the secret), kind, label, times. Revoked tokens stay, so ids
 *       are never reused;
 *   <li>{@code s3Keys}: S3 access key id → its {@link StoredS3Key}: the secret itself (Signature
 *       Version 4 signs with it), kind, label, times. Revoked keys stay;
 *   <li>{@code buckets}: S3 bucket name → its {@link BucketInfo}; its objects are the files whose
 *       first segment is its name;
 *   <li>{@code multiparts}: S3 multipart upload id → its {@link MultipartInfo}, while it is in
 *       progress (its parts are files, see {@link jewel.api.UploadParts});
 *   <li>{@code blocksByPeer}: peer name → the blocks (hex, sorted) the book says it holds: the book
 *       turned around, so that a holdings report touches only the reporting peer's blocks in its
 *       range. Not in snapshots: it is rebuilt from the book when a state is read (pass null).
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
 * {@link #saltBumped}, {@link #copiesRecorded}, {@link #peerStatesChanged}, {@link #retuned},
 * {@link #tokenCreated}, {@link #tokenRevoked}, {@link #s3KeyCreated}, {@link #s3KeyRevoked},
 * {@link #bucketCreated}, {@link #bucketDeleted}, {@link #uploadStarted}, {@link #uploadEnded})
 * return a new state. Every map is a persistent map ({@link TreePMap}: sorted, immutable, sharing
 * all but O(log n) of its nodes with the map it was made from), so an event costs O(what it touches
 * × log n), never O(registry), and the JSON of a snapshot is that of plain maps. The constructor
 * turns other maps (as Jackson builds them) into persistent ones.
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
    Map<String, PeerState> peerStates,
    Map<String, PeerHistory> peerHistories,
    Map<String, StoredToken> tokens,
    Map<String, StoredS3Key> s3Keys,
    Map<String, BucketInfo> buckets,
    Map<String, MultipartInfo> multiparts,
    @JsonIgnore Map<String, PSortedSet<String>> blocksByPeer)
    implements JewelSerializable {

  /**
   * A file in the index: everything of {@link FileEntry} but its tree and holders.
   *
   * @param object its object attributes, or null (a plain file; every entry from before objects)
   */
  public record IndexEntry(
      long size,
      BlockId root,
      SchemeSpec scheme,
      long storedAtMillis,
      String tree,
      ObjectAttributes object) {}

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

  /**
   * An API token as the registry keeps it.
   *
   * @param secretHash the hex SHA-256 of its secret
   * @param expiresAtMillis null: never
   * @param revokedAtMillis null: not revoked
   */
  public record StoredToken(
      String secretHash,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis,
      Long revokedAtMillis) {

    /** What {@code token ls} shows of it, under {@code id}. */
    public TokenInfo info(String id) {
      return new TokenInfo(id, readOnly, label, createdAtMillis, expiresAtMillis, revokedAtMillis);
    }
  }

  /**
   * An S3 access key as the registry keeps it.
   *
   * @param secretKey the secret itself: Signature Version 4 needs it to check a signature
   * @param expiresAtMillis null: never
   * @param revokedAtMillis null: not revoked
   */
  public record StoredS3Key(
      String secretKey,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis,
      Long revokedAtMillis) {

    /** What {@code s3 key ls} shows of it, under {@code accessKey}. */
    public S3KeyInfo info(String accessKey) {
      return new S3KeyInfo(
          accessKey, readOnly, label, createdAtMillis, expiresAtMillis, revokedAtMillis);
    }

    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
      return "StoredS3Key[readOnly=" + readOnly + ", label=" + label + "]";
    }
  }

  public RegistryState {
    index = persistent(index);
    trees = persistent(trees);
    catalog = persistent(catalog);
    book = persistent(book);
    peerDefaults = persistent(peerDefaults);
    // A snapshot from before fractional pins has none of these: they come back null.
    pins = persistent(pins);
    salts = persistent(salts);
    merkleRoots = persistent(merkleRoots);
    peerSettings = persistent(peerSettings);
    // A snapshot from before holdings marks has none: its holders count as recorded at 0.
    heldAsOf = persistent(heldAsOf);
    // A snapshot from before peer states has none: every peer counts as never seen.
    peerStates = persistent(peerStates);
    // A snapshot from before histories has none: each peer's history starts at its next change.
    peerHistories = persistent(peerHistories);
    // A snapshot from before API tokens has none.
    tokens = persistent(tokens);
    // A snapshot from before S3 access keys has none.
    s3Keys = persistent(s3Keys);

    // A snapshot from before S3 buckets has none of these.
    buckets = persistent(buckets);
    multiparts = persistent(multiparts);
    blocksByPeer = blocksByPeer == null ? blocksByPeer(book) : persistent(blocksByPeer);
  }

  public static RegistryState empty() {
    return new RegistryState(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  // ---------------------------------------------------------------- queries

  /** The file as the registry knows it now, holders from the book; empty if unknown. */
  public Optional<FileEntry> entry(FileName name) {
    IndexEntry e = index.get(name.value());
    return e == null ? Optional.empty() : Optional.of(compose(name.value(), e));
  }

  /**
   * A page of the blocks of file {@code name}: from where {@code cursor} says (the first block if
   * null) on, as many as fit {@code budget} estimated bytes with the entry around them, at least
   * one (see {@link Pages}), holders from the book. Empty if there is no file of that name, or if
   * its tree is not the cursor's any more (the file was replaced: its blocks are other blocks).
   */
  Optional<EntryPage> entryPage(FileName name, BlockCursor cursor, long budget) {
    IndexEntry e = index.get(name.value());
    if (e == null || (cursor != null && !cursor.tree().equals(e.tree()))) {
      return Optional.empty();
    }
    Pages.Page<TreeBlock, Integer> page =
        Pages.from(
            tree(name.value(), e).blocks(),
            cursor == null ? 0 : cursor.from(),
            budget - Pages.entryBytes(name),
            b -> Pages.blockBytes(holders(b.id()).size()));
    List<StoredBlock> blocks = new ArrayList<>(page.items().size());
    for (TreeBlock b : page.items()) {
      blocks.add(stored(b));
    }
    return Optional.of(
        new EntryPage(
            entry(name, e, blocks),
            page.next() == null ? null : new BlockCursor(e.tree(), page.next())));
  }

  /**
   * A file entry with some of its blocks, and where the rest start.
   *
   * @param next the cursor of the file's next blocks, or null if {@code entry} has the last
   */
  record EntryPage(FileEntry entry, BlockCursor next) {}

  /** The names of the index after {@code after} (all if null), in order. */
  SortedSet<String> namesAfter(FileName after) {
    TreePMap<String, IndexEntry> sorted = persistent(index);
    return after == null ? sorted.keySet() : sorted.keySet().tailSet(after.value(), false);
  }

  /**
   * The names of the index after {@code after} (null: from the first) that start with {@code
   * prefix} (null: all), in order: a view that starts at the first name past both and ends with the
   * last name of the prefix, so a page of it costs O(log n + page).
   */
  SortedSet<String> namesAfter(FileName after, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return namesAfter(after);
    }
    SortedSet<String> names = persistent(index).keySet();
    String from = after != null && after.value().compareTo(prefix) > 0 ? after.value() : prefix;
    SortedSet<String> tail = names.tailSet(from);
    if (after != null && from.equals(after.value())) {
      tail = names.tailSet(from + "\0");
    }
    return tail.headSet(prefixEnd(prefix));
  }

  /** The least string greater than every string that starts with {@code prefix}. */
  private static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return last == Character.MAX_VALUE
        ? prefix + Character.MAX_VALUE
        : prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
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
    for (String hex : heldIn(peer, null, null)) {
      held.add(new BlockId(hex));
    }
    return held;
  }

  /**
   * The blocks (hex) the book says {@code peer} holds with ids in {@code (after, upTo]}, sorted.
   */
  private SortedSet<String> heldIn(PeerId peer, BlockId after, BlockId upTo) {
    PSortedSet<String> held = blocksByPeer.get(peer.name());
    if (held == null || (after != null && upTo != null && after.compareTo(upTo) >= 0)) {
      return TreePSet.empty();
    }
    if (after != null && upTo != null) {
      return held.subSet(after.hex(), false, upTo.hex(), true);
    }
    if (after != null) {
      return held.tailSet(after.hex(), false);
    }
    return upTo != null ? held.headSet(upTo.hex(), true) : held;
  }

  /** Whether {@code block} lies in {@code (after, upTo]}; a null bound is open. */
  public static boolean inRange(BlockId block, BlockId after, BlockId upTo) {
    return (after == null || block.compareTo(after) > 0)
        && (upTo == null || block.compareTo(upTo) <= 0);
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
    for (String hex : heldIn(peer, after, upTo)) {
      if (!listed.contains(hex) && heldAsOf(hex, peer) <= asOf) {
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

  /**
   * The file {@code name} and, if it is a composite, its parts: what its delete or replacement
   * takes out of the index (none if there is no such file).
   */
  public List<FileEntry> withParts(FileName name) {
    Optional<FileEntry> file = entry(name);
    if (file.isEmpty()) {
      return List.of();
    }
    List<FileEntry> files = new ArrayList<>();
    files.add(file.get());
    if (file.get().composite()) {
      for (FileName part : file.get().object().partFiles()) {
        entry(part).ifPresent(files::add);
      }
    }
    return files;
  }

  /** The blocks of {@code files} that no file references in this state, in order. */
  public List<BlockId> orphansOf(List<FileEntry> files) {
    Set<BlockId> seen = new LinkedHashSet<>();
    for (FileEntry f : files) {
      seen.addAll(orphansOf(f));
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
    List<StoredBlock> blocks = new ArrayList<>();
    for (TreeBlock b : tree(name, e).blocks()) {
      blocks.add(stored(b));
    }
    return entry(new FileName(name), e, blocks);
  }

  private FileEntry entry(FileName name, IndexEntry e, List<StoredBlock> blocks) {
    return new FileEntry(
        name,
        e.size(),
        e.root(),
        e.scheme(),
        tree(name.value(), e).layout(),
        blocks,
        e.storedAtMillis(),
        e.object());
  }

  /** A child of a tree with its holders from the book and its Merkle root. */
  private StoredBlock stored(TreeBlock b) {
    return new StoredBlock(b.index(), b.id(), b.length(), holders(b.id()), merkleRoot(b.id()));
  }

  // ---------------------------------------------------------------- events

  /**
   * {@code entry} enters the index, replacing any file of its name, by the registry's event number
   * {@code eventNr}. Its tree is added (or shared if an identical one exists), its blocks enter the
   * catalog and its holders are added to the book as of {@code eventNr}, and the Merkle roots it
   * carries are recorded for blocks that have none yet. The replaced file's tree is released:
   * blocks no tree contains any more leave the catalog, the book, the salts and the roots, and a
   * replaced composite's parts leave the index. A pin on the name stays.
   */
  public RegistryState committed(FileEntry entry, long eventNr) {
    String name = entry.name().value();
    List<TreeBlock> children = children(entry.blocks());
    String key = treeKey(entry.root(), entry.layout(), children);
    Change c = new Change(this);
    IndexEntry old = c.index.get(name);
    c.index =
        c.index.plus(
            name,
            new IndexEntry(
                entry.size(),
                entry.root(),
                entry.scheme(),
                entry.storedAtMillis(),
                key,
                entry.object()));

    c.use(name, key, entry.root(), entry.layout(), children);
    c.record(entry.blocks(), eventNr);

    // Release the replaced file's tree last, so blocks it shares with the new one stay.
    if (old != null && !old.tree().equals(key)) {
      c.release(name, old.tree());
    }
    if (old != null) {
      c.deleteParts(old);
    }
    return c.build();
  }

  /**
   * Reed-Solomon file {@code name} now has {@code layout.n()} jewels, by the registry's event
   * number {@code eventNr}: its index entry takes {@code scheme}, and its tree becomes its jewels
   * below {@code layout.n()} and {@code added} (whose holders enter the book as of {@code
   * eventNr}). The old tree is released last, so a dropped jewel leaves the catalog and the book
   * only if no file references it any more; every jewel it keeps keeps its holders. Unknown files
   * are ignored.
   */
  public RegistryState retuned(
      FileName name, SchemeSpec scheme, BlockLayout layout, List<StoredBlock> added, long eventNr) {
    IndexEntry old = index.get(name.value());
    if (old == null) {
      return this;
    }
    List<TreeBlock> children = new ArrayList<>();
    for (TreeBlock b : tree(name.value(), old).blocks()) {
      if (b.index() < layout.n()) {
        children.add(b);
      }
    }
    children.addAll(children(added));
    children.sort(Comparator.comparingInt(TreeBlock::index));
    String key = treeKey(old.root(), layout, children);
    Change c = new Change(this);
    c.index =
        c.index.plus(
            name.value(),
            new IndexEntry(
                old.size(), old.root(), scheme, old.storedAtMillis(), key, old.object()));
    c.use(name.value(), key, old.root(), layout, List.copyOf(children));
    c.record(added, eventNr);
    if (!old.tree().equals(key)) {
      c.release(name.value(), old.tree());
    }
    return c.build();
  }

  /**
   * {@code name} leaves the index with its pin, and so do a composite's parts; blocks no remaining
   * file references leave the catalog, the book, the salts and the roots.
   */
  public RegistryState deleted(FileName name) {
    if (!index.containsKey(name.value())) {
      return this;
    }
    Change c = new Change(this);
    c.delete(name.value());
    return c.build();
  }

  /**
   * {@code peer} holds exactly {@code blocks} among the known ones with ids in {@code (after,
   * upTo]} (null bounds: open), listed after the registry's event number {@code asOf}: it is added
   * as a holder of those (as of {@code asOf}, unless the book knows it from later) and removed from
   * every other block in the range that the book recorded it holding as of {@code asOf} or earlier.
   * A holder recorded later stays: the listing may have been taken before that block reached the
   * peer (a report on its way while a commit went through). Unknown blocks are ignored. Costs
   * O((the report + the peer's blocks in the range) × log n).
   */
  public RegistryState holdingsReported(
      PeerId peer, BlockId after, BlockId upTo, Collection<BlockId> blocks, long asOf) {
    Set<String> now = new HashSet<>();
    for (BlockId b : blocks) {
      if (knows(b) && inRange(b, after, upTo)) {
        now.add(b.hex());
      }
    }
    Change c = new Change(this);
    for (String hex : heldIn(peer, after, upTo)) {
      if (!now.contains(hex) && heldAsOf(hex, peer) <= asOf) {
        c.removeHolder(hex, peer);
      }
    }
    for (String hex : now) {
      c.addHolders(hex, List.of(peer));
      if (heldAsOf(hex, peer) < asOf) {
        c.heldAsOf = c.heldAsOf.plus(hex, asOf(c.heldAsOf.get(hex), List.of(peer), asOf));
      }
    }
    return c.build();
  }

  /**
   * The cluster's default ({@code peer} null) or {@code peer}'s default becomes {@code scheme}; a
   * null scheme for a peer removes that peer's default.
   */
  public RegistryState defaultSchemeSet(PeerId peer, SchemeSpec scheme) {
    Change c = new Change(this);
    if (peer == null) {
      c.clusterDefault = scheme;
    } else if (scheme == null) {
      c.peerDefaults = c.peerDefaults.minus(peer.name());
    } else {
      c.peerDefaults = c.peerDefaults.plus(peer.name(), scheme);
    }
    return c.build();
  }

  /**
   * {@code name} gets {@code pin}, or loses its pin if {@code pin} is null. Unknown files are
   * ignored.
   */
  public RegistryState pinSet(FileName name, Pin pin) {
    if (!has(name)) {
      return this;
    }
    Change c = new Change(this);
    c.pins = pin == null ? c.pins.minus(name.value()) : c.pins.plus(name.value(), pin);
    return c.build();
  }

  /** The cluster's default pin fraction becomes {@code fraction}. */
  public RegistryState defaultPinSet(double fraction) {
    Change c = new Change(this);
    c.defaultFraction = fraction;
    return c.build();
  }

  /** {@code peer}'s settings become {@code settings}; the defaults (or null) remove its entry. */
  public RegistryState peerSettingsSet(PeerId peer, PeerSettings settings) {
    Change c = new Change(this);
    c.peerSettings =
        settings == null || settings.equals(PeerSettings.DEFAULT)
            ? c.peerSettings.minus(peer.name())
            : c.peerSettings.plus(peer.name(), settings);
    return c.build();
  }

  /** {@code block}'s salt becomes {@code salt}. Blocks no file references are ignored. */
  public RegistryState saltBumped(BlockId block, long salt) {
    if (!knows(block)) {
      return this;
    }
    Change c = new Change(this);
    c.salts = salt == 0 ? c.salts.minus(block.hex()) : c.salts.plus(block.hex(), salt);
    return c.build();
  }

  /**
   * A repair's new copies enter the book, as of the registry's event number {@code eventNr}. Copies
   * of blocks no file references any more (deleted meanwhile) are ignored.
   */
  public RegistryState copiesRecorded(List<BlockHolder> copies, long eventNr) {
    Change c = new Change(this);
    for (BlockHolder copy : copies) {
      if (knows(copy.block())) {
        String hex = copy.block().hex();
        c.addHolders(hex, List.of(copy.peer()));
        c.heldAsOf = c.heldAsOf.plus(hex, asOf(c.heldAsOf.get(hex), List.of(copy.peer()), eventNr));
      }
    }
    return c.build();
  }

  /**
   * {@code up} went up and {@code down} went down at {@code atMillis}; each one's history keeps the
   * changes of the {@code windowMillis} before and at most {@code maxChanges} of them ({@link
   * PeerHistory#changed}).
   */
  public RegistryState peerStatesChanged(
      List<PeerId> up, List<PeerId> down, long atMillis, long windowMillis, int maxChanges) {
    Change c = new Change(this);
    for (PeerId p : up) {
      c.peerChanged(p, true, atMillis, windowMillis, maxChanges);
    }
    for (PeerId p : down) {
      c.peerChanged(p, false, atMillis, windowMillis, maxChanges);
    }
    return c.build();
  }

  // ---------------------------------------------------------------- API tokens

  /** The id the next token gets: ids are never reused, since revoked tokens stay. */
  public String nextTokenId() {
    return "t" + (tokens.size() + 1);
  }

  /** Token {@code id}, if the registry has one. */
  public Optional<StoredToken> token(String id) {
    return Optional.ofNullable(id == null ? null : tokens.get(id));
  }

  /** Every token with its id, in the order they were made. */
  public List<TokenInfo> tokenInfos() {
    List<TokenInfo> all = new ArrayList<>(tokens.size());
    tokens.forEach((id, t) -> all.add(t.info(id)));
    all.sort(Comparator.comparingLong(RegistryState::tokenNumber));
    return all;
  }

  /** The number in a token id {@code tN}: the order tokens were made in. */
  static long tokenNumber(TokenInfo token) {
    return tokenNumber(token.id());
  }

  static long tokenNumber(String id) {
    try {
      return Long.parseLong(id.substring(1));
    } catch (RuntimeException e) {
      return Long.MAX_VALUE; // not an id the registry gives: after all of them
    }
  }

  /** Token {@code id} enters the registry. */
  public RegistryState tokenCreated(String id, StoredToken token) {
    Change c = new Change(this);
    c.tokens = c.tokens.plus(id, token);
    return c.build();
  }

  /** Token {@code id} is revoked at {@code atMillis}; unknown ids are ignored. */
  public RegistryState tokenRevoked(String id, long atMillis) {
    StoredToken t = tokens.get(id);
    if (t == null) {
      return this;
    }
    Change c = new Change(this);
    c.tokens =
        c.tokens.plus(
            id,
            new StoredToken(
                t.secretHash(),
                t.readOnly(),
                t.label(),
                t.createdAtMillis(),
                t.expiresAtMillis(),
                atMillis));
    return c.build();
  }

  // ---------------------------------------------------------------- S3 access keys

  /** S3 access key {@code accessKey}, if the registry has one. */
  public Optional<StoredS3Key> s3Key(String accessKey) {
    return Optional.ofNullable(accessKey == null ? null : s3Keys.get(accessKey));
  }

  /** Every S3 access key, in access key order. */
  public List<S3KeyInfo> s3KeyInfos() {
    List<S3KeyInfo> all = new ArrayList<>(s3Keys.size());
    s3Keys.forEach((key, k) -> all.add(k.info(key)));
    return all;
  }

  /** S3 access key {@code accessKey} enters the registry. */
  public RegistryState s3KeyCreated(String accessKey, StoredS3Key key) {
    Change c = new Change(this);
    c.s3Keys = c.s3Keys.plus(accessKey, key);
    return c.build();
  }

  /** S3 access key {@code accessKey} is revoked at {@code atMillis}; unknown keys are ignored. */
  public RegistryState s3KeyRevoked(String accessKey, long atMillis) {
    StoredS3Key k = s3Keys.get(accessKey);
    if (k == null) {
      return this;
    }
    Change c = new Change(this);
    c.s3Keys =
        c.s3Keys.plus(
            accessKey,
            new StoredS3Key(
                k.secretKey(),
                k.readOnly(),
                k.label(),
                k.createdAtMillis(),
                k.expiresAtMillis(),
                atMillis));
    return c.build();
  }

  // ---------------------------------------------------------------- S3 buckets and uploads

  /** Bucket {@code name}, if there is one. */
  public Optional<BucketInfo> bucket(String name) {
    return Optional.ofNullable(name == null ? null : buckets.get(name));
  }

  /** Every bucket, by name. */
  public List<BucketInfo> bucketList() {
    return List.copyOf(buckets.values());
  }

  /**
   * Whether bucket {@code name} holds a file (any file whose first segment is its name) or a
   * multipart upload: O(log n) for the files, O(uploads) for the uploads, which are few.
   */
  public boolean bucketInUse(String name) {
    if (!namesAfter(null, name + "/").isEmpty()) {
      return true;
    }
    return multiparts.values().stream().anyMatch(u -> u.bucket().equals(name));
  }

  /** Multipart upload {@code uploadId}, if it is in progress. */
  public Optional<MultipartInfo> multipart(String uploadId) {
    return Optional.ofNullable(uploadId == null ? null : multiparts.get(uploadId));
  }

  /**
   * The multipart uploads in progress in {@code bucket} whose key starts with {@code prefix} (null:
   * all), by key then start.
   */
  public List<MultipartInfo> multipartsIn(String bucket, String prefix) {
    return multiparts.values().stream()
        .filter(u -> u.bucket().equals(bucket))
        .filter(u -> prefix == null || u.key().startsWith(prefix))
        .sorted(
            Comparator.comparing(MultipartInfo::key)
                .thenComparingLong(MultipartInfo::startedMillis)
                .thenComparing(MultipartInfo::uploadId))
        .toList();
  }

  public RegistryState bucketCreated(BucketInfo bucket) {
    Change c = new Change(this);
    c.buckets = c.buckets.plus(bucket.name(), bucket);
    return c.build();
  }

  public RegistryState bucketDeleted(String name) {
    Change c = new Change(this);
    c.buckets = c.buckets.minus(name);
    return c.build();
  }

  public RegistryState uploadStarted(MultipartInfo upload) {
    Change c = new Change(this);
    c.multiparts = c.multiparts.plus(upload.uploadId(), upload);
    return c.build();
  }

  /** Upload {@code uploadId} is over; its part files stay until someone deletes them. */
  public RegistryState uploadEnded(String uploadId) {
    Change c = new Change(this);
    c.multiparts = c.multiparts.minus(uploadId);
    return c.build();
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

  private static List<PeerId> union(List<PeerId> sorted, Collection<PeerId> more) {
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

  /** {@code map} as a persistent map: itself if it is one (as every map of a state is). */
  private static <V> TreePMap<String, V> persistent(Map<String, V> map) {
    if (map instanceof TreePMap<String, V> p) {
      return p;
    }
    return map == null ? TreePMap.empty() : TreePMap.from(map);
  }

  /** The book turned around: peer name → the blocks it holds. */
  private static TreePMap<String, PSortedSet<String>> blocksByPeer(Map<String, List<PeerId>> book) {
    Map<String, SortedSet<String>> byPeer = new HashMap<>();
    book.forEach(
        (hex, peers) ->
            peers.forEach(p -> byPeer.computeIfAbsent(p.name(), n -> new TreeSet<>()).add(hex)));
    TreePMap<String, PSortedSet<String>> index = TreePMap.empty();
    for (Map.Entry<String, SortedSet<String>> e : byPeer.entrySet()) {
      index = index.plus(e.getKey(), TreePSet.from(e.getValue()));
    }
    return index;
  }

  /**
   * The next state, made field by field from this one: each event method changes the maps it
   * touches (persistent maps, so each change costs O(log n)) and builds the state. It keeps the
   * book, {@code heldAsOf} and {@code blocksByPeer} in step.
   */
  private static final class Change {
    private TreePMap<String, IndexEntry> index;
    private TreePMap<String, BlockTree> trees;
    private TreePMap<String, List<String>> catalog;
    private TreePMap<String, List<PeerId>> book;
    private SchemeSpec clusterDefault;
    private TreePMap<String, SchemeSpec> peerDefaults;
    private TreePMap<String, Pin> pins;
    private Double defaultFraction;
    private TreePMap<String, Long> salts;
    private TreePMap<String, String> merkleRoots;
    private TreePMap<String, PeerSettings> peerSettings;
    private TreePMap<String, Map<String, Long>> heldAsOf;
    private TreePMap<String, PeerState> peerStates;
    private TreePMap<String, PeerHistory> peerHistories;
    private TreePMap<String, StoredToken> tokens;
    private TreePMap<String, StoredS3Key> s3Keys;

    private TreePMap<String, BucketInfo> buckets;
    private TreePMap<String, MultipartInfo> multiparts;
    private TreePMap<String, PSortedSet<String>> blocksByPeer;

    Change(RegistryState from) {
      index = persistent(from.index);
      trees = persistent(from.trees);
      catalog = persistent(from.catalog);
      book = persistent(from.book);
      clusterDefault = from.clusterDefault;
      peerDefaults = persistent(from.peerDefaults);
      pins = persistent(from.pins);
      defaultFraction = from.defaultFraction;
      salts = persistent(from.salts);
      merkleRoots = persistent(from.merkleRoots);
      peerSettings = persistent(from.peerSettings);
      heldAsOf = persistent(from.heldAsOf);
      peerStates = persistent(from.peerStates);
      peerHistories = persistent(from.peerHistories);
      tokens = persistent(from.tokens);
      s3Keys = persistent(from.s3Keys);

      buckets = persistent(from.buckets);
      multiparts = persistent(from.multiparts);
      blocksByPeer = persistent(from.blocksByPeer);
    }

    /** {@code peers} hold block {@code hex} (its {@code heldAsOf} is the caller's to set). */
    void addHolders(String hex, Collection<PeerId> peers) {
      List<PeerId> had = book.get(hex);
      if (had != null && had.containsAll(peers)) {
        return; // most of a holdings report: nothing new
      }
      book = book.plus(hex, union(had, peers));
      for (PeerId p : peers) {
        PSortedSet<String> held = blocksByPeer.get(p.name());
        blocksByPeer =
            blocksByPeer.plus(p.name(), held == null ? TreePSet.singleton(hex) : held.plus(hex));
      }
    }

    /** {@code peer} no longer holds block {@code hex}. */
    void removeHolder(String hex, PeerId peer) {
      List<PeerId> rest = minus(book.getOrDefault(hex, List.of()), peer);
      if (rest.isEmpty()) {
        book = book.minus(hex);
        heldAsOf = heldAsOf.minus(hex);
      } else {
        book = book.plus(hex, rest);
        Map<String, Long> peers = without(heldAsOf.get(hex), peer.name());
        heldAsOf = peers.isEmpty() ? heldAsOf.minus(hex) : heldAsOf.plus(hex, peers);
      }
      unheld(hex, peer);
    }

    /** Block {@code hex} leaves {@code peer}'s entry of {@code blocksByPeer}. */
    private void unheld(String hex, PeerId peer) {
      PSortedSet<String> held = blocksByPeer.get(peer.name());
      if (held != null) {
        PSortedSet<String> rest = held.minus(hex);
        blocksByPeer =
            rest.isEmpty() ? blocksByPeer.minus(peer.name()) : blocksByPeer.plus(peer.name(), rest);
      }
    }

    /**
     * File {@code name} uses tree {@code key}: added (its blocks enter the catalog) if no file used
     * it, shared otherwise.
     */
    void use(String name, String key, BlockId root, BlockLayout layout, List<TreeBlock> children) {
      BlockTree tree = trees.get(key);
      if (tree == null) {
        tree = new BlockTree(root, layout, children, List.of(name));
        trees = trees.plus(key, tree);
        for (BlockId id : tree.blockIds()) {
          catalog =
              catalog.plus(id.hex(), plus(catalog.get(id.hex()), key, Comparator.naturalOrder()));
        }
      } else if (!tree.files().contains(name)) {
        trees =
            trees.plus(
                key,
                new BlockTree(
                    tree.root(),
                    tree.layout(),
                    tree.blocks(),
                    plus(tree.files(), name, Comparator.naturalOrder())));
      }
    }

    /**
     * The holders of {@code blocks} enter the book as of {@code eventNr}, and the Merkle roots they
     * carry are recorded for blocks that have none yet.
     */
    void record(List<StoredBlock> blocks, long eventNr) {
      for (StoredBlock b : blocks) {
        String hex = b.id().hex();
        if (!b.holders().isEmpty()) {
          addHolders(hex, b.holders());
          heldAsOf = heldAsOf.plus(hex, asOf(heldAsOf.get(hex), b.holders(), eventNr));
        }
        if (b.merkleRoot() != null && !b.merkleRoot().isBlank() && !merkleRoots.containsKey(hex)) {
          merkleRoots = merkleRoots.plus(hex, b.merkleRoot());
        }
      }
    }

    /**
     * File {@code name} stops using tree {@code key}: the tree goes when no file uses it, and so do
     * the blocks no remaining tree contains (from the catalog, the book, the salts and the roots).
     */
    void release(String name, String key) {
      BlockTree tree = trees.get(key);
      if (tree == null) {
        return;
      }
      List<String> files = minus(tree.files(), name);
      if (!files.isEmpty()) {
        trees = trees.plus(key, new BlockTree(tree.root(), tree.layout(), tree.blocks(), files));
        return;
      }
      trees = trees.minus(key);
      for (BlockId id : tree.blockIds()) {
        String hex = id.hex();
        List<String> parents = minus(catalog.getOrDefault(hex, List.of()), key);
        if (!parents.isEmpty()) {
          catalog = catalog.plus(hex, parents);
          continue;
        }
        for (PeerId p : book.getOrDefault(hex, List.of())) {
          unheld(hex, p);
        }
        catalog = catalog.minus(hex);
        book = book.minus(hex);
        heldAsOf = heldAsOf.minus(hex);
        salts = salts.minus(hex);
        merkleRoots = merkleRoots.minus(hex);
      }
    }

    /** File {@code name} leaves the index with its pin, and its parts if it is a composite. */
    void delete(String name) {
      IndexEntry old = index.get(name);
      if (old == null) {
        return;
      }
      index = index.minus(name);
      release(name, old.tree());
      pins = pins.minus(name);
      deleteParts(old);
    }

    /** The parts of {@code file} leave the index, if it is a composite (see {@link #committed}). */
    void deleteParts(IndexEntry file) {
      if (file.object() != null) {
        for (FileName part : file.object().partFiles()) {
          delete(part.value());
        }
      }
    }

    void peerChanged(PeerId p, boolean up, long atMillis, long windowMillis, int maxChanges) {
      peerStates = peerStates.plus(p.name(), new PeerState(up, atMillis));
      PeerHistory was = peerHistories.get(p.name());
      peerHistories =
          peerHistories.plus(
              p.name(),
              was == null
                  ? PeerHistory.first(up, atMillis)
                  : was.changed(up, atMillis, windowMillis, maxChanges));
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
          peerStates,
          peerHistories,
          tokens,
          s3Keys,
          buckets,
          multiparts,
          blocksByPeer);
    }
  }
}
