package org.j386.emulator.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A headless Chromium driven over the DevTools protocol: loads a page, and reports every console
 * error, uncaught exception, log error and failed request it caused; evaluates script in it; takes
 * full-page screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 60;

    /** What loading a page produced: the problems (console errors, failed requests), none when it is clean. */
    record Load(List<String> problems) {
    }

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<Object> events = new ArrayList<>();
    private String session;

    /** The Chromium on the PATH (chromium, chromium-browser, google-chrome), if any. */
    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    HeadlessChromium(Path binary) throws Exception {
        profile = Files.createTempDirectory("j386-chromium");
        process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile,
                "--window-size=1400,1000", "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String endpoint = endpoint(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)));
        StringBuilder partial = new StringBuilder();
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(endpoint), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(Json.parse(partial.toString()));
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Object target = call("Target.createTarget", "{\"url\":\"about:blank\"}", false);
        String targetId = (String) Json.get(target, "targetId");
        session = (String) Json.get(call("Target.attachToTarget", "{\"targetId\":\"" + targetId + "\",\"flatten\":true}", false),
                "sessionId");
        for (String domain : new String[] {"Runtime", "Log", "Network", "Page"}) {
            call(domain + ".enable", "{}", true);
        }
    }

    /** Reads Chromium's stderr up to the DevTools address, then drains the rest in the background. */
    private String endpoint(BufferedReader err) throws IOException {
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    int i = line.indexOf("ws://");
                    if (line.startsWith("DevTools listening on") && i >= 0) {
                        found.complete(line.substring(i).trim());
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IOException("chromium ended without a DevTools address"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return found.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("chromium did not start its DevTools server: " + e, e);
        }
    }

    /** Sends a command and waits for its result, keeping the events that arrive meanwhile. */
    Object call(String method, String params, boolean inSession) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                + (inSession ? ",\"sessionId\":\"" + session + "\"" : "") + "}", true).join();
        while (true) {
            Object m = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (m == null) {
                throw new IOException(method + ": no answer from chromium");
            }
            Object got = Json.get(m, "id");
            if (got instanceof Double d && d.intValue() == id) {
                if (Json.get(m, "error") != null) {
                    throw new IOException(method + ": " + Json.get(m, "error", "message"));
                }
                return Json.get(m, "result");
            }
            events.add(m);
        }
    }

    /** Loads {@code file} and waits for its load event and a moment after it; returns what went wrong. */
    Load load(Path file) throws IOException, InterruptedException {
        events.clear();
        call("Page.navigate", "{\"url\":" + Json.quote(file.toAbsolutePath().toUri().toString()) + "}", true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (events.stream().noneMatch(e -> "Page.loadEventFired".equals(Json.get(e, "method")))) {
            Object m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new IOException(file + ": the page did not finish loading");
            }
            events.add(m);
        }
        // Late console messages and requests made by script after the load event.
        for (Object m; (m = messages.poll(300, TimeUnit.MILLISECONDS)) != null; ) {
            events.add(m);
        }
        List<String> problems = new ArrayList<>();
        for (Object e : events) {
            String method = String.valueOf(Json.get(e, "method"));
            Object p = Json.get(e, "params");
            switch (method) {
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(Json.get(p, "type")) || "assert".equals(Json.get(p, "type"))) {
                        problems.add("console error: " + Json.get(p, "args"));
                    }
                }
                case "Runtime.exceptionThrown" -> problems.add("uncaught exception: "
                        + Json.get(p, "exceptionDetails", "exception", "description") + " " + Json.get(p, "exceptionDetails", "text"));
                case "Log.entryAdded" -> {
                    if ("error".equals(Json.get(p, "entry", "level"))) {
                        problems.add("log error: " + Json.get(p, "entry", "text") + " " + Json.get(p, "entry", "url"));
                    }
                }
                case "Network.loadingFailed" -> problems.add("failed request: " + Json.get(p, "errorText") + " "
                        + Json.get(p, "blockedReason"));
                case "Network.requestWillBeSent" -> {
                    String url = String.valueOf(Json.get(p, "request", "url"));
                    if (!url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("about:")) {
                        problems.add("request beyond the file: " + url);
                    }
                }
                default -> { }
            }
        }
        return new Load(problems);
    }

    /** Evaluates a script expression whose value is a string. */
    String evaluate(String expression) throws IOException, InterruptedException {
        Object r = call("Runtime.evaluate", "{\"expression\":" + Json.quote(expression) + ",\"returnByValue\":true}", true);
        if (Json.get(r, "exceptionDetails") != null) {
            throw new IOException("script failed: " + Json.get(r, "exceptionDetails", "exception", "description"));
        }
        return String.valueOf(Json.get(r, "result", "value"));
    }

    /** A PNG of the whole page. */
    void screenshot(Path png) throws IOException, InterruptedException {
        Object metrics = call("Page.getLayoutMetrics", "{}", true);
        double width = (Double) Json.get(metrics, "cssContentSize", "width");
        double height = (Double) Json.get(metrics, "cssContentSize", "height");
        Object shot = call("Page.captureScreenshot", String.format(java.util.Locale.ROOT,
                "{\"format\":\"png\",\"captureBeyondViewport\":true,\"clip\":{\"x\":0,\"y\":0,\"width\":%.0f,\"height\":%.0f,"
                        + "\"scale\":1}}", width, height), true);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode((String) Json.get(shot, "data")));
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        // Chromium's helper processes write to the profile too: stop them all before removing it.
        List<ProcessHandle> helpers = process.descendants().collect(Collectors.toList());
        process.destroy();
        helpers.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle helper : helpers) {
                helper.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
        // A file that vanishes while the profile is walked (a helper's last temporary file) is gone already.
        Files.walkFileTree(profile, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                file.toFile().delete();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) {
                directory.toFile().delete();
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
