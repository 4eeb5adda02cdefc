package com.customerrelay.http;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.WireMockVendors;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The console at GET / in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs):
 * the page asks for the key, shows the counts per vendor and the dead letters, and its replay button has a dead
 * letter delivered once the vendor is mended; its Preview box shows the call a pasted request would make.
 */
class ConsoleBrowserTest extends RelayTestCase {

    private static final String KEY = "console-key-0c41";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    RelayHarness relay;
    WireMockServer expandable;
    WebDriver browser;

    @Test
    void theConsoleShowsTheCountsAndItsReplayButtonHasADeadLetterDelivered() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver (bash .ci/run installs them)").isTrue();
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"MESSAGE\":\"Contact record is locked\"}")));
        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.max-attempts", "1").start();
        relay.drop("two.ndjson", Requests.expandableContact("fine-1", "ABCCORP", "FINE", "{\"title\":\"t\"}") + "\n"
                + Requests.expandableContact("locked-1", "ABCCORP", "LOCKED", "{\"title\":\"t\"}") + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 2
                && relay.store().count(DeliveryStatus.DEAD, "expandable") == 2);
        // the first one is mended at once and dropped again, so the page has one delivered and one dead
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo("FINE"))).willReturn(okJson("{}")));
        HttpResponse<String> replayed = Http.send("POST", relay.apiUrl() + "/dead-letters/replay",
                "{\"requestIds\":[\"fine-1\"]}", "X-API-Key", KEY);
        assertThat(replayed.body()).isEqualTo("{\"replayed\":1}");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1);

        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions chrome = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        browser = new ChromeDriver(chrome);
        closing.add(browser::quit);
        browser.get(relay.apiUrl() + "/");
        browser.findElement(By.id("key")).sendKeys(KEY);
        browser.findElement(By.cssSelector("#login button")).click();

        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text("#vendors tr[data-vendor='expandable'] td.delivered").equals("1")
                && text("#vendors tr[data-vendor='expandable'] td.dead").equals("1"));
        WebElement row = browser.findElement(By.cssSelector("#dead tr[data-request='locked-1']"));
        assertThat(row.getText()).contains("expandable").contains("exhausted").contains("locked");
        assertThat(browser.findElements(By.cssSelector("#dead tbody tr"))).as("the replayed one is gone").hasSize(1);

        // a click on the dead letter's request shows its delivery and each attempt with the vendor's answer
        row.findElement(By.cssSelector("td.request-link")).click();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> !browser.findElements(
                By.cssSelector("#request table.attempts[data-vendor='expandable'] tr")).isEmpty());
        List<WebElement> attempts = browser.findElements(
                By.cssSelector("#request table.attempts[data-vendor='expandable'] tr"));
        assertThat(attempts.size() - 1).as("one row per attempt").isEqualTo(relay.store().statusOf("locked-1")
                .get(0).attempts());
        assertThat(attempts.get(1).getText()).contains("500").contains("failed").contains("Contact record is locked");
        assertThat(text("#request")).contains("expandable: dead");

        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
        row.findElement(By.cssSelector("button.replay")).click();

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 2);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> text("#vendors tr[data-vendor='expandable'] td.delivered").equals("2")
                        && browser.findElements(By.cssSelector("#dead tr[data-request='locked-1']")).isEmpty());
        expandable.verify(2, postRequestedFor(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo("LOCKED"))));

        // the vendor's circuit beside its counts, and its Pause button pauses it on the relay (and Resume resumes it)
        assertThat(text("#vendors tr[data-vendor='expandable'] td.circuit")).startsWith("closed since ");
        browser.findElement(By.cssSelector("#vendors tr[data-vendor='expandable'] button.pause")).click();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> text("#vendors tr[data-vendor='expandable'] td.circuit").startsWith("paused since "));
        assertThat(Http.get(relay.apiUrl() + "/vendors", "X-API-Key", KEY).body())
                .contains("\"vendor\":\"expandable\"").contains("\"circuit\":\"paused\"");
        browser.findElement(By.cssSelector("#vendors tr[data-vendor='expandable'] button.resume")).click();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> text("#vendors tr[data-vendor='expandable'] td.circuit").startsWith("closed since "));

        // the Preview box: a pasted request answered with the call the relay would make, and nothing sent
        int updates = expandable.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update"))).size();
        browser.findElement(By.id("preview-request")).sendKeys(Requests.expandableContact("preview-1", "ABCCORP",
                "PREVIEWED", "{\"email\":\"p@abccorp.com\",\"notes\":\"n\"}"));
        browser.findElement(By.cssSelector("#preview-form button")).click();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> !text("#preview .call[data-vendor='expandable']").isEmpty());
        String call = text("#preview .call[data-vendor='expandable']");
        assertThat(call).startsWith("expandable: POST /customer-contact-update")
                .contains("\"CUST_CONTACT\": \"PREVIEWED\"").contains("\"E_MAIL\": \"p@abccorp.com\"")
                .contains("\"AUTH_TOKEN\": \"***\"");
        assertThat(text("#preview h3")).isEqualTo("preview-1");
        assertThat(expandable.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")))).hasSize(updates);
        assertThat(relay.store().statusOf("preview-1")).isEmpty();

        // a request that is not JSON is told so in the box
        browser.findElement(By.id("preview-request")).clear();
        browser.findElement(By.id("preview-request")).sendKeys("{not json");
        browser.findElement(By.cssSelector("#preview-form button")).click();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> text("#preview").startsWith("not JSON"));
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
