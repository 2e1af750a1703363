//! Settings → SLA (issue 16): an admin gives URGENT tickets 30 minutes to a first response
//! in business hours and saves; the platform's `GET /api/sla-policies` has it. An unknown
//! time zone is named beside its field before anything is sent, by protocol's rules. The
//! warning before a breach is set on the general page and kept with the profile.

use anyhow::{ensure, Result};
use protocol::TicketPriority;

use crate::support::console::{console_for, finish, home_of, sign_in};
use crate::support::{eventually, AppSession, Platform};

/// WebDriver's Backspace key.
const BACKSPACE: &str = "\u{E003}";
/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// `inner` within the URGENT policy's form.
fn urgent(inner: &str) -> String {
    format!("[data-testid=sla-policy][data-priority=URGENT] {inner}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sets_a_policy_with_business_hours_in_settings() -> Result<()> {
    let test = "sla-settings";
    let platform = Platform::start(test).await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        app.click("[data-testid=open-settings]").await?;
        app.click("[data-testid=settings-tab-sla]").await?;
        app.wait_for("[data-testid=sla-settings][data-editable=true]")
            .await?;
        set_urgent(&app).await?;

        eventually("the policy on the platform", || async {
            let policies = admin.sla_policies().await?;
            let Some(policy) = policies
                .iter()
                .find(|p| p.priority == TicketPriority::Urgent)
            else {
                return Ok(false);
            };
            let Some(hours) = &policy.business_hours else {
                return Ok(false);
            };
            let weekdays: Vec<u8> = hours.days.iter().map(|d| d.weekday).collect();
            Ok(policy.first_response_minutes == Some(30)
                && policy.next_response_minutes.is_none()
                && hours.time_zone == "Europe/Berlin"
                && weekdays == [1, 2, 3, 4, 5, 6]
                && hours
                    .days
                    .iter()
                    .all(|d| (d.start.as_str(), d.end.as_str()) == ("09:00", "17:00")))
        })
        .await?;

        // The warning before a breach: refused beside the field, then kept with the profile.
        app.click("[data-testid=settings-tab-general]").await?;
        app.type_into("[data-testid=setting-sla-warning]", &format!("0{ENTER}"))
            .await?;
        app.wait_for("[data-testid=setting-sla-warning-problem]")
            .await?;
        app.type_into("[data-testid=setting-sla-warning]", &format!("20{ENTER}"))
            .await?;
        app.wait_gone("[data-testid=setting-sla-warning-problem]")
            .await?;
        let settings = home_of(test)?.join("default").join("settings.json");
        eventually("the warning kept with the profile", || async {
            Ok(std::fs::read_to_string(&settings)
                .is_ok_and(|s| s.contains("\"slaWarningMinutes\": 20")))
        })
        .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

/// Sets URGENT's policy: 30 minutes to a first response, no next-response clock, business
/// hours in Berlin from Monday to Saturday, after an unknown time zone is refused.
async fn set_urgent(app: &AppSession) -> Result<()> {
    app.type_into(&urgent("[data-testid=sla-first]"), "30")
        .await?;
    // Emptied (WebDriver types no empty text; one more Backspace is harmless): no clock.
    app.type_into(&urgent("[data-testid=sla-next]"), BACKSPACE)
        .await?;
    app.click(&urgent("[data-testid=sla-business-hours]"))
        .await?;
    // Turned on, business hours start from the working week.
    app.wait_for(&urgent("[data-testid=sla-day][data-index='4']"))
        .await?;
    app.type_into(&urgent("[data-testid=sla-time-zone]"), "Mars/Olympus_Mons")
        .await?;
    app.click(&urgent("[data-testid=sla-save]")).await?;
    let problem = urgent("[data-testid=sla-problem][data-field='businessHours.timeZone']");
    app.wait_for(&problem).await?;
    let said = app.texts_of_all(&problem).await?;
    ensure!(
        said.iter().any(|t| t.contains("IANA time zone")),
        "the time zone's problem says what is wanted: {said:?}"
    );
    ensure!(
        app.count(&urgent("[data-testid=sla-saved]")).await? == 0,
        "nothing was saved"
    );

    app.type_into(&urgent("[data-testid=sla-time-zone]"), "Europe/Berlin")
        .await?;
    app.click(&urgent("[data-testid=sla-day-add]")).await?;
    app.wait_for(&urgent("[data-testid=sla-day][data-index='5']"))
        .await?;
    app.click(&urgent("[data-testid=sla-save]")).await?;
    app.wait_for(&urgent("[data-testid=sla-saved]")).await?;
    app.wait_gone(&urgent("[data-testid=sla-problem]")).await?;
    app.screenshot("sla-settings").await?;
    Ok(())
}
