import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * bench/run.sh --azure: a PostgreSQL for the connector's de-duplication, the tests' own embedded one
 * (zonky), on the port given. Prints its JDBC URL, then runs until it is stopped (SIGTERM stops
 * PostgreSQL too).
 *   java -cp <test classpath> bench/EmbeddedPostgresServer.java PORT
 */
public class EmbeddedPostgresServer {
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(Integer.parseInt(args[0])).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("could not stop PostgreSQL: " + e);
            }
        }));
        System.out.println("jdbc=" + postgres.getJdbcUrl("postgres", "postgres"));
        System.out.flush();
        Thread.currentThread().join();
    }
}
