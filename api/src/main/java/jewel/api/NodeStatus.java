package jewel.api;

import java.util.List;

/**
 * One node of the cluster as {@code peers} shows it.
 *
 * @param name the node's stable name ({@code seed}, {@code peer-3}), or its address for a client
 * @param status {@code up}, {@code joining}, {@code unreachable}, {@code leaving}, {@code down}
 * @param blocks blocks held (-1 when the node holds no data or did not answer)
 * @param bytes bytes used by those blocks (-1 likewise)
 * @param greylisted failed audits: its copies do not count, and reads ask it last
 * @param overQuota holds all its quota allows of its pinned share and refuses the rest
 * @param api the base URL of the node's HTTP API ({@code http://127.0.0.1:26520}), or null when it
 *     serves none or did not answer
 * @param s3 the base URL of the node's S3 listener ({@code http://127.0.0.1:27520}), or null when
 *     it serves none or did not answer
 * @param bytesIn bytes of files and blocks the node received since it started (-1: not known)
 * @param bytesOut bytes of files and blocks the node sent since it started (-1: not known)
 * @param availability the share of {@code observedMillis} the registry saw the node up, in [0, 1];
 *     null when it has not observed it yet
 * @param observedMillis the time that share is over: the availability window ({@code
 *     jewel.availability.window}), or less if the registry first saw the node more recently (0: not
 *     observed)
 */
public record NodeStatus(
    String name,
    String address,
    List<String> roles,
    String status,
    long blocks,
    long bytes,
    boolean greylisted,
    boolean overQuota,
    String api,
    String s3,
    long bytesIn,
    long bytesOut,
    Double availability,
    long observedMillis) {}
