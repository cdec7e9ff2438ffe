package dev.conveyor.ops.console;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's chromium, headless, through Debian's chromium-driver (never a downloaded one: Selenium Manager is not
 * asked). Tests call {@link #assumeAvailable()} first: where neither can be found they are skipped, saying why
 * ({@code .ci/run} installs both with apt-get).
 */
final class Browser implements AutoCloseable {
    /** Screenshots land here (the module's target directory). */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final WebDriver driver;

    private Browser(WebDriver driver) {
        this.driver = driver;
    }

    static void assumeAvailable() {
        boolean found = find(BROWSERS) != null && find(DRIVERS) != null;
        if (!found) {
            System.out.println("[conveyor] console browser tests SKIPPED: no chromium and chromium-driver here "
                    + "(apt-get install chromium chromium-driver; .ci/run does)");
        }
        Assumptions.assumeTrue(found, "chromium and chromium-driver are not installed");
    }

    static Browser start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(find(BROWSERS));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(find(DRIVERS))).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver);
    }

    WebDriver driver() {
        return driver;
    }

    /** Saves the page as {@code target/console-screenshots/<name>.png}. */
    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    private static String find(List<String> candidates) {
        return candidates.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
