package com.customerrelay.delivery;

import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.Ports;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Requests;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vendor calls go through camel-http, so Camel's standard settings apply to them: a vendor on HTTPS whose
 * certificate only a truststore given in {@code camel.ssl.*} trusts, an HTTP proxy given in
 * {@code camel.component.http.proxy-*}; and whatever headers a queue message or a dropped file carries, the vendor
 * receives only the ones the relay sets. On Camel's test kit, one nested class per group of settings.
 */
class CamelHttpSettingsTest {

    private static final String PASSWORD = "changeit";
    private static final Path CERTS = certificates();
    /** An Expandable on HTTPS with a certificate of its own CA, which no default truststore holds. */
    @RegisterExtension
    static final ClassWireMock HTTPS_VENDOR = new ClassWireMock(options().dynamicPort().dynamicHttpsPort()
            .keystorePath(CERTS.resolve("vendor.p12").toString()).keystorePassword(PASSWORD)
            .keyManagerPassword(PASSWORD).keystoreType("PKCS12"));
    /** An Expandable that also acts as an HTTP proxy. */
    @RegisterExtension
    static final ClassWireMock PROXY_VENDOR = new ClassWireMock(options().dynamicPort()
            .enableBrowserProxying(true));
    @RegisterExtension
    static final ClassWireMock VENDOR = new ClassWireMock();

    /** A vendor key pair for localhost, and a truststore holding only its certificate. */
    private static Path certificates() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-kit", "certs-" + UUID.randomUUID()));
            Path keystore = dir.resolve("vendor.p12");
            keytool("-genkeypair", "-alias", "vendor", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-alias", "vendor", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                    "-rfc", "-file", dir.resolve("vendor.pem").toString());
            keytool("-importcert", "-noprompt", "-alias", "vendor", "-file", dir.resolve("vendor.pem").toString(),
                    "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            return dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void stubExpandable(WireMockServer vendor) {
        vendor.resetAll();
        vendor.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t-1\"}")));
        vendor.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
    }

    private static List<LoggedRequest> updates(WireMockServer vendor) {
        return vendor.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")));
    }

    @Nested
    class OnHttpsWithoutCamelsSslSettings extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.expandable.base-url",
                    "https://localhost:" + HTTPS_VENDOR.httpsPort() + "/api");
            properties.setProperty("relay.vendors.expandable.max-attempts", "1");
        }

        @Test
        void thePrivateCaIsNotTrustedAndTheCallFails() throws Exception {
            stubExpandable(HTTPS_VENDOR);
            dropAndAwaitAttempts("expandable", 1, "a.json",
                    Requests.emailChange("tls-untrusted", "JHERNANDEZ", "a@b.c"));

            var letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
            assertThat(letter.at("/error/message").asText()).contains("cannot reach Expandable");
            assertThat(updates(HTTPS_VENDOR)).isEmpty();
        }
    }

    @Nested
    class OnHttpsTrustedThroughCamelsSslSettings extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.expandable.base-url",
                    "https://localhost:" + HTTPS_VENDOR.httpsPort() + "/api");
            properties.setProperty("camel.ssl.enabled", "true");
            properties.setProperty("camel.ssl.trust-store", "file:" + CERTS.resolve("trust.p12"));
            properties.setProperty("camel.ssl.trust-store-password", PASSWORD);
            properties.setProperty("camel.component.http.use-global-ssl-context-parameters", "true");
        }

        @Test
        void theCallGoesOutOverHttps() throws Exception {
            stubExpandable(HTTPS_VENDOR);
            dropAndAwaitAttempts("expandable", 1, "b.json", Requests.emailChange("tls-trusted", "JHERNANDEZ", "b@b.c"));

            awaitDelivered("expandable", 1);
            List<LoggedRequest> updates = updates(HTTPS_VENDOR);
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).getAbsoluteUrl()).startsWith("https://");
            assertThat(updates.get(0).getBodyAsString()).contains("b@b.c");
        }
    }

    @Nested
    class ThroughTheProxyOfCamelsHttpComponentSettings extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            // a host name that does not resolve: only a proxy can carry the call
            properties.setProperty("relay.vendors.expandable.base-url", "http://expandable.invalid/api");
            properties.setProperty("camel.component.http.proxy-host", "127.0.0.1");
            properties.setProperty("camel.component.http.proxy-port", String.valueOf(PROXY_VENDOR.port()));
        }

        @Test
        void vendorCallsGoThroughTheProxy() throws Exception {
            stubExpandable(PROXY_VENDOR);
            dropAndAwaitAttempts("expandable", 1, "p.json", Requests.emailChange("via-proxy", "JHERNANDEZ", "p@b.c"));

            awaitDelivered("expandable", 1);
            List<LoggedRequest> updates = updates(PROXY_VENDOR);
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).getHeader("Host")).isEqualTo("expandable.invalid");
        }
    }

    @Nested
    class WithHeadersOnQueueMessagesAndFiles extends RelayTestKit {

        // no initializer: set while the test kit's constructor asks for the properties
        private String broker;

        @Override
        protected void configure(Properties properties) {
            broker = "tcp://localhost:" + Ports.free();
            properties.setProperty("relay.broker.embedded-url", broker);
            properties.setProperty("relay.vendors.expandable.base-url", VENDOR.baseUrl() + "/api");
        }

        @BeforeEach
        void vendor() {
            stubExpandable(VENDOR);
        }

        @Test
        void onlyTheHeadersTheRelaySetsReachTheVendor() throws Exception {
            NotifyBuilder attempted = attempts("expandable", 2);
            try (QueueProducer producer = new QueueProducer(broker, "relay.updates")) {
                producer.sendWithProperties(Requests.emailChange("hdr-queue", "JHERNANDEZ", "q@b.c"), Map.of(
                        "Authorization", "Bearer stolen", "Host", "evil.example", "Content_Length", "1",
                        "X_Custom", "leak", "JMSXGroupID", "g-1"));
            }
            drop("hdr.json", Requests.emailChange("hdr-file", "MSMITH", "f@b.c"));

            assertThat(attempted.matches(20, TimeUnit.SECONDS)).as("2 attempts made").isTrue();
            awaitDelivered("expandable", 2);
            Set<String> allowed = Set.of("accept", "accept-encoding", "connection", "content-length", "content-type",
                    "host", "user-agent");
            List<LoggedRequest> requests = VENDOR.findAll(anyRequestedFor(anyUrl()));
            assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
            for (LoggedRequest request : requests) {
                Set<String> names = new TreeSet<>();
                request.getHeaders().all().forEach(h -> names.add(h.key().toLowerCase()));
                assertThat(names).as("headers of %s", request.getUrl()).isSubsetOf(allowed);
                assertThat(request.getHeader("Host")).isEqualTo("localhost:" + VENDOR.port());
                assertThat(request.getHeader("Content-Length")).isNotEqualTo("1");
            }
            assertThat(deadLetters()).as("nothing dead-lettered").isEmpty();
            assertThat(CallLimits.pendingDeadlines())
                    .as("the deadlines of finished calls are not kept").isZero();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
