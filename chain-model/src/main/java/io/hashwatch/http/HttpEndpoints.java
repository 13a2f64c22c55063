package io.hashwatch.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's built-in HTTP server, set up for hashwatch's small endpoints ({@code /metrics}, the Alertmanager
 * webhook) so that a client cannot hold one up: without an executor the server reads every request on its one
 * dispatcher thread, and a single connection that sends half a request line stops every scrape. Requests run on a
 * small pool, and the server closes a connection that takes longer than {@link #MAX_REQUEST_SECONDS} to send its
 * request or {@link #MAX_RESPONSE_SECONDS} to take its response.
 */
public final class HttpEndpoints {
    public static final int THREADS = 4;
    public static final int MAX_REQUEST_SECONDS = 10;
    public static final int MAX_RESPONSE_SECONDS = 30;

    static {
        // The JDK reads these once, when its first server starts; -D on the command line still wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    }

    private HttpEndpoints() {
    }

    private static void setIfAbsent(String property, int seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(seconds));
        }
    }

    /** A server bound to {@code address}, not started, its handlers on daemon threads named {@code name-N}. */
    public static HttpServer create(InetSocketAddress address, String name) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Idle threads end, so a stopped server leaves none behind.
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        return server;
    }
}
