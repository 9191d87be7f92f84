package hub.localdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with only the Bolt connector, on 127.0.0.1.
 *
 * <p>Usage: Launcher --home DIR --port N [--pagecache-mb N] [--tx-timeout-s N] [--parent-pid PID]
 *
 * <p>Prints "READY bolt://127.0.0.1:N" once the database is up, and shuts down cleanly on
 * SIGTERM/SIGINT, or when the parent process given by --parent-pid goes away (so a killed test
 * session never leaves a JVM behind).
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        int port = 7687;
        long pagecacheMb = 256;
        long txTimeoutSeconds = 0;
        long parentPid = -1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> { home = Path.of(require(args[i], value)); i++; }
                case "--port" -> { port = Integer.parseInt(require(args[i], value)); i++; }
                case "--pagecache-mb" -> { pagecacheMb = Long.parseLong(require(args[i], value)); i++; }
                case "--tx-timeout-s" -> { txTimeoutSeconds = Long.parseLong(require(args[i], value)); i++; }
                case "--parent-pid" -> { parentPid = Long.parseLong(require(args[i], value)); i++; }
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null) {
            fail("--home DIR is required");
        }

        SocketAddress address = new SocketAddress("127.0.0.1", port);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, address)
                .setConfig(BoltConnector.advertised_address, address)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb));
        if (txTimeoutSeconds > 0) {
            builder.setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutSeconds));
        }
        DatabaseManagementService service = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "neo4j-shutdown"));
        // Touch the default database so READY means queries can run, not just that Bolt listens.
        service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();

        if (parentPid > 0) {
            Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
            while (parent.isPresent() && parent.get().isAlive()) {
                Thread.sleep(1000);
            }
            System.out.println("parent " + parentPid + " is gone; shutting down");
            System.exit(0);
        }
        Thread.currentThread().join();
    }

    private static String require(String flag, String value) {
        if (value == null) {
            fail(flag + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("launcher: " + message);
        System.exit(2);
    }
}
