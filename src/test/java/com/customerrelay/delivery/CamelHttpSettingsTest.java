package com.customerrelay.delivery;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.Requests;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Vendor calls go through camel-http, so Camel's standard settings apply to them: a vendor on HTTPS whose
 * certificate only a truststore given in {@code camel.ssl.*} trusts, an HTTP proxy given in
 * {@code camel.component.http.proxy-*}; and whatever headers a queue message or a dropped file carries, the vendor
 * receives only the ones the relay sets.
 */
class CamelHttpSettingsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;
    WireMockServer vendor;
    RelayHarness relay;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        if (vendor != null) {
            vendor.stop();
        }
    }

    private void stubExpandable() {
        vendor.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t-1\"}")));
        vendor.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
    }

    @Test
    void aVendorOnHttpsWithAPrivateCaIsTrustedOnlyThroughCamelsSslSettings() throws Exception {
        Path keystore = dir.resolve("vendor.p12");
        Path truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "vendor", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "vendor", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", dir.resolve("vendor.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "vendor", "-file", dir.resolve("vendor.pem").toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        vendor = new WireMockServer(options().dynamicPort().dynamicHttpsPort().keystorePath(keystore.toString())
                .keystorePassword(PASSWORD).keyManagerPassword(PASSWORD).keystoreType("PKCS12"));
        vendor.start();
        stubExpandable();
        String baseUrl = "https://localhost:" + vendor.httpsPort() + "/api";

        // without Camel's SSL settings the private CA is not trusted: the call fails and is dead-lettered
        relay = new RelayHarness(dir.resolve("untrusted")).set("relay.vendors.expandable.base-url", baseUrl)
                .set("relay.vendors.expandable.max-attempts", "1").start();
        relay.drop("a.json", Requests.emailChange("tls-untrusted", "JHERNANDEZ", "a@b.c"));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 1);
        assertThat(relay.deadLetters().get(0).path("reason").asText()).isEqualTo("exhausted");
        assertThat(relay.deadLetters().get(0).at("/error/message").asText()).contains("cannot reach Expandable");
        relay.close();

        relay = new RelayHarness(dir.resolve("trusted")).set("relay.vendors.expandable.base-url", baseUrl)
                .set("camel.ssl.enabled", "true")
                .set("camel.ssl.trust-store", "file:" + truststore)
                .set("camel.ssl.trust-store-password", PASSWORD)
                .set("camel.component.http.use-global-ssl-context-parameters", "true")
                .start();
        relay.drop("b.json", Requests.emailChange("tls-trusted", "JHERNANDEZ", "b@b.c"));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count("DELIVERED", "expandable") == 1);
        List<LoggedRequest> updates = vendor.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")));
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getAbsoluteUrl()).startsWith("https://");
        assertThat(updates.get(0).getBodyAsString()).contains("b@b.c");
    }

    @Test
    void vendorCallsGoThroughTheProxyOfCamelsHttpComponentSettings() {
        vendor = new WireMockServer(options().dynamicPort().enableBrowserProxying(true));
        vendor.start();
        stubExpandable();
        // a host name that does not resolve: only a proxy can carry the call
        relay = new RelayHarness(dir).set("relay.vendors.expandable.base-url", "http://expandable.invalid/api")
                .set("camel.component.http.proxy-host", "127.0.0.1")
                .set("camel.component.http.proxy-port", String.valueOf(vendor.port()))
                .start();
        relay.drop("p.json", Requests.emailChange("via-proxy", "JHERNANDEZ", "p@b.c"));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count("DELIVERED", "expandable") == 1);
        List<LoggedRequest> updates = vendor.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")));
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getHeader("Host")).isEqualTo("expandable.invalid");
    }

    @Test
    void headersOfQueueMessagesAndFilesNeverReachTheVendor() {
        vendor = new WireMockServer(options().dynamicPort());
        vendor.start();
        stubExpandable();
        relay = new RelayHarness(dir).set("relay.vendors.expandable.base-url", vendor.baseUrl() + "/api");
        String broker = relay.brokerOnFreePort();
        relay.start();
        try (QueueProducer producer = new QueueProducer(broker, "relay.updates")) {
            producer.sendWithProperties(Requests.emailChange("hdr-queue", "JHERNANDEZ", "q@b.c"), Map.of(
                    "Authorization", "Bearer stolen", "Host", "evil.example", "Content_Length", "1",
                    "X_Custom", "leak", "JMSXGroupID", "g-1"));
        }
        relay.drop("hdr.json", Requests.emailChange("hdr-file", "MSMITH", "f@b.c"));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count("DELIVERED", "expandable") == 2);

        Set<String> allowed = Set.of("accept", "accept-encoding", "connection", "content-length", "content-type",
                "host", "user-agent");
        for (LoggedRequest request : vendor.findAll(anyRequestedFor(anyUrl()))) {
            Set<String> names = new TreeSet<>();
            request.getHeaders().all().forEach(h -> names.add(h.key().toLowerCase()));
            assertThat(names).as("headers of %s", request.getUrl()).isSubsetOf(allowed);
            assertThat(request.getHeader("Host")).isEqualTo("localhost:" + vendor.port());
            assertThat(request.getHeader("Content-Length")).isNotEqualTo("1");
        }
        assertThat(relay.deadLetters()).as("nothing dead-lettered").isEmpty();
        assertThat(CallLimits.pendingDeadlines())
                .as("the deadlines of finished calls are not kept").isZero();
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
