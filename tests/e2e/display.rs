//! Text size and high contrast (issue 15 §2, WCAG 1.4.4 and 1.4.3, EN 301 549
//! §5.1.4): the top bar's « Taille du texte » (100 %, 150 %, 200 %) and
//! « Contraste élevé » on every screen, reset by a kiosk's wipe for the next
//! member; on a member's PC the usual zoom keys step through the sizes, at a
//! kiosk they do nothing. That every screen fits at 200 % is walked in
//! geometry.rs.

use crate::harness::{App, Backend, TestMember};
use crate::scenario;
use anyhow::{ensure, Result};
use fantoccini::key::Key;
use std::time::Duration;

/// The root's font size in px and its text-size attribute.
async fn text_size(app: &App) -> Result<(f64, String)> {
    let v = app
        .js("return [parseFloat(getComputedStyle(document.documentElement).fontSize), document.documentElement.dataset.textSize || '100'];")
        .await?;
    Ok((v[0].as_f64().unwrap_or_default(), v[1].as_str().unwrap_or_default().to_owned()))
}

async fn wait_size(app: &App, expected: &str) -> Result<f64> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (px, size) = text_size(app).await?;
        if size == expected {
            return Ok(px);
        }
        ensure!(std::time::Instant::now() < deadline, "the text size is {size}, not {expected}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Ctrl + `key`, as a member's keyboard sends it, to the page.
async fn ctrl(app: &App, key: char) -> Result<()> {
    // From a button of the top bar, which every screen has.
    let target = app.testid("topbar-guides").await?;
    let chord: String = [char::from(Key::Control), key, char::from(Key::Null)].into_iter().collect();
    target.send_keys(&chord).await?;
    Ok(())
}

async fn pressed(app: &App, id: &str) -> Result<bool> {
    Ok(app.testid(id).await?.attr("aria-pressed").await?.as_deref() == Some("true"))
}

#[test]
fn text_size_and_contrast_buttons_then_a_kiosk_wipe_resets_them() {
    scenario(|| async {
        let m = TestMember::new(731);
        let backend = Backend::start(&[&m]).await?;
        let env = [("BORNE_MODE", "kiosk"), ("BORNE_IDLE_TIMEOUT_SECS", "600"), ("BORNE_IDLE_WARNING_SECS", "30")];
        let app = App::launch_with(Some(&backend.url()), "display-kiosk", &env, &[]).await?;
        app.click("attract-start").await?;
        app.screen("screen-home").await?;
        let (base, size) = text_size(&app).await?;
        ensure!(size == "100" && pressed(&app, "text-size-100").await?, "not at 100 % at start");
        // `log_in` leaves the home screen itself (a click here first raced it:
        // home still shown, its button already gone).
        app.log_in(&m.nir_typed, &m.password).await?;
        app.screen("screen-space").await?;

        app.click("text-size-150").await?;
        let px150 = wait_size(&app, "150").await?;
        ensure!((px150 / base - 1.5).abs() < 0.01, "150 %: {px150} px against {base} px");
        ensure!(pressed(&app, "text-size-150").await? && !pressed(&app, "text-size-100").await?);
        app.click("text-size-200").await?;
        let px200 = wait_size(&app, "200").await?;
        ensure!((px200 / base - 2.0).abs() < 0.01, "200 %: {px200} px against {base} px");

        // High contrast: light text on black, the insurer's colours replaced.
        app.click("high-contrast").await?;
        app.wait_visible("html.high-contrast").await?;
        ensure!(pressed(&app, "high-contrast").await?);
        let colours = app
            .js("const s = getComputedStyle(document.querySelector(\"[data-testid='screen-space']\")); return [s.backgroundColor, s.color];")
            .await?;
        ensure!(colours == serde_json::json!(["rgb(0, 0, 0)", "rgb(255, 255, 255)"]), "high contrast shows {colours}");
        // After the buttons' colour transition (0.15 s).
        tokio::time::sleep(Duration::from_millis(400)).await;
        app.screenshot("text-200-high-contrast-space").await?;

        // Ctrl + « - » is not a kiosk's business.
        ctrl(&app, '-').await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(text_size(&app).await?.1 == "200", "a zoom key changed the text size at a kiosk");

        // The member logs out: the next one starts at 100 %, without high contrast.
        let logout = app.in_screen("screen-space", "logout").await?;
        app.client.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&logout)?]).await?;
        app.click_in("screen-space", "logout").await?;
        app.screen("screen-attract").await?;
        wait_size(&app, "100").await?;
        ensure!(!pressed(&app, "high-contrast").await?, "high contrast survived the wipe");
        let hc = app.js("return document.documentElement.classList.contains('high-contrast');").await?;
        ensure!(hc == serde_json::json!(false), "high contrast survived the wipe");
        app.close().await;
        Ok(())
    });
}

#[test]
fn on_a_members_pc_the_zoom_keys_step_through_the_text_sizes() {
    scenario(|| async {
        let backend = Backend::start(&[]).await?;
        let app = App::launch(Some(&backend.url()), "display-pc").await?;
        app.screen("screen-home").await?;
        ctrl(&app, '+').await?;
        wait_size(&app, "150").await?;
        ctrl(&app, '+').await?;
        wait_size(&app, "200").await?;
        ctrl(&app, '+').await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        ensure!(text_size(&app).await?.1 == "200", "past 200 %");
        ctrl(&app, '-').await?;
        wait_size(&app, "150").await?;
        ctrl(&app, '0').await?;
        wait_size(&app, "100").await?;
        ensure!(pressed(&app, "text-size-100").await?);
        app.close().await;
        Ok(())
    });
}
