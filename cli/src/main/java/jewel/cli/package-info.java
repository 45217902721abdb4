/**
 * The command line ({@code ./jewel COMMAND}) and the interactive shell ({@code ./jewel shell}).
 *
 * <p>One picocli command tree serves both. {@link jewel.cli.JewelCli} is the root (global {@code
 * --home}/{@code --port}, inherited by every command); each command is a {@link
 * jewel.cli.JewelCommand}, which finds the process's {@link jewel.cli.Session} through the root at
 * any depth of the tree. The session holds where output goes, the home and port, and the cluster
 * client: the one-shot CLI connects only when a command calls {@code client()}, the shell keeps one
 * client for all its commands. Clients and launchers come from a {@link jewel.cli.Backend}, so
 * tests run every command against fakes.
 *
 * <p>Adding a command: a {@code JewelCommand} subclass listed in {@code JewelCli}'s {@code
 * subcommands}. Commands that need no cluster ({@code split}, {@code join}, {@code simulate})
 * simply never call {@code client()}; groups ({@code pin add|update|ls|default}, {@code peer
 * modifier|trust|...}) are a {@code @Command} with its own {@code subcommands}. Name arguments
 * {@code PEER}, {@code NAME}, {@code PATH} or {@code ID} ({@code paramLabel}) and the shell
 * completes them. Failures a person can act on are a {@code JewelException} with one line; bad
 * usage is a picocli {@code ParameterException} (exit status 2).
 */
package jewel.cli;
