"""Each scenario teaches its lesson through the engine, not only through its wording:
the mechanics the issue asks for (UPS runtime, spread unless contained, a same-vendor
fallback that cannot help, a backup link, a cascade whose obvious fix is useless) hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tabletop.engine.events import Decision
from tabletop.engine.session import Session, simulate

if TYPE_CHECKING:
    from conftest import Library


def _fired(session: Session) -> set[str]:
    return {str(e.data["inject"]) for e in session.feed if e.kind == "inject"}


def _skipped(session: Session) -> set[str]:
    return {str(e.data["inject"]) for e in session.feed if e.kind == "inject-skipped"}


def _eff(session: Session, node: str) -> str:
    return session.node_view(node).effective


def _at(lib: Library, sid: str, decisions: list[tuple[float, str]], until: float) -> Session:
    """The session at `until` after these decisions (a refused one is journalled, not fatal)."""
    s = Session(lib.loaded(sid).scenario)
    for t, action in sorted(decisions, key=lambda d: d[0]):
        s.advance(t)
        s.take(action)
    s.advance(until)
    return s


def _live(lib: Library, sid: str, decisions: list[tuple[float, str]], until: float) -> Session:
    """A session still running at `until`, so the test can take further decisions."""
    s = Session(lib.loaded(sid).scenario)
    for t, action in decisions:
        s.advance(t)
        assert s.take(action).accepted
    s.advance(until)
    return s


def _reference(lib: Library, sid: str) -> Session:
    scenario = lib.loaded(sid).scenario
    assert scenario.reference is not None
    return simulate(
        scenario, [Decision(r.at, r.action, message=r.message) for r in scenario.reference]
    )


# ------------------------------------------------------------------ dc-power-loss


def test_power_generator_blocked_by_transfer_switch(lib: Library) -> None:
    s = Session(lib.loaded("dc-power-loss").scenario)
    rec = s.take("start-generator")
    assert not rec.accepted and "transfer switch" in (rec.reason or "").lower()


def test_power_ups_runs_flat_without_generator(lib: Library) -> None:
    nothing = _at(lib, "dc-power-loss", [], until=30)
    assert "ups-exhausted" in _fired(nothing)
    assert _eff(nothing, "checkout") == "down"
    # The array and the hosts went down hard: their own status is latched down.
    assert nothing.node_view("storage").own == "down"
    assert nothing.node_view("compute").own == "down"
    ref = _reference(lib, "dc-power-loss")
    assert {"ups-exhausted", "contractor-hurt", "fuel-runs-low"} <= _skipped(ref)
    assert _eff(ref, "checkout") == "up"
    assert ref.node_view("storage").own == "up"


def test_power_back_is_not_service_back(lib: Library) -> None:
    """When the utility returns, storage and the cluster stay down until the team restarts them."""
    s = _live(lib, "dc-power-loss", [], until=180)
    assert _eff(s, "critical-bus") == "up"
    assert _eff(s, "storage") == "down" and _eff(s, "compute") == "down"
    assert _eff(s, "checkout") == "down" and _eff(s, "storefront") == "down"
    assert s.take("recover-storage").accepted
    assert s.take("restart-cluster").accepted
    s.advance(199)
    assert _eff(s, "compute") == "down", "the cluster takes 20 minutes to restart"
    s.advance(200)
    assert _eff(s, "compute") == "up" and _eff(s, "storefront") == "up"
    assert _eff(s, "checkout") == "down", "the array's consistency check takes 30 minutes"
    s.advance(210)
    assert _eff(s, "checkout") == "up" and _eff(s, "mobile-api") == "up"


def test_power_restart_needs_power_first(lib: Library) -> None:
    s = _live(lib, "dc-power-loss", [], until=30)
    rec = s.take("recover-storage")
    assert not rec.accepted and "critical power" in (rec.reason or "").lower()


def test_power_journalist_calls_only_if_nobody_has_started_a_word(lib: Library) -> None:
    assert "journalist-call" in _fired(_at(lib, "dc-power-loss", [], until=41))
    # A notice started at T+38 is not up yet at T+40, but the team has started: no call.
    started = _at(lib, "dc-power-loss", [(38, "post-status-page")], until=41)
    assert "journalist-call" in _skipped(started)


def test_power_utility_eta_only_after_calling(lib: Library) -> None:
    assert "utility-eta" not in _fired(_at(lib, "dc-power-loss", [], until=240))
    called = _at(lib, "dc-power-loss", [(0, "call-utility")], until=40)
    assert "utility-eta" in _fired(called)


def test_power_generator_stops_without_fuel(lib: Library) -> None:
    quick = [(0, "assess-power"), (5, "manual-transfer"), (15, "start-generator")]
    s = _at(lib, "dc-power-loss", quick, until=170)
    assert "fuel-runs-low" in _fired(s)
    assert _eff(s, "generator") == "down" and _eff(s, "critical-bus") == "down"


# ------------------------------------------------------------------ ransomware-attack


def test_ransomware_journalist_calls_only_if_nobody_has_started_a_word(lib: Library) -> None:
    assert "journalist-call" in _fired(_at(lib, "ransomware-attack", [], until=61))
    started = _at(lib, "ransomware-attack", [(55, "notify-customers")], until=61)
    assert "journalist-call" in _skipped(started)


def test_ransomware_spreads_unless_contained(lib: Library) -> None:
    nothing = _at(lib, "ransomware-attack", [], until=240)
    assert {"spread-to-directory", "backups-wiped", "second-wave"} <= _fired(nothing)
    assert _eff(nothing, "customer-portal") == "down"
    ref = _reference(lib, "ransomware-attack")
    assert {"spread-to-directory", "backups-wiped", "second-wave"} <= _skipped(ref)


def test_ransomware_containment_costs_service(lib: Library) -> None:
    s = _at(lib, "ransomware-attack", [(0, "assess-scope"), (10, "contain-intrusion")], until=21)
    # Isolating the VPN cuts partners off until the temporary file exchange is up.
    assert _eff(s, "vpn-gateway") == "down"
    assert _eff(s, "partner-access") == "down"
    assert s.impact().affected_now > 0


def test_ransomware_restore_needs_a_clean_backup(lib: Library) -> None:
    s = _live(lib, "ransomware-attack", [], until=60)
    assert "backups-wiped" in _fired(s)
    rec = s.take("restore-from-backup-server")
    assert not rec.accepted and "backup" in (rec.reason or "").lower()


def test_ransomware_restore_before_containing_is_undone(lib: Library) -> None:
    s = _at(lib, "ransomware-attack", [(0, "restore-from-backup-server")], until=40)
    assert "reinfected-after-restore" in _fired(s)
    assert _eff(s, "file-server") == "down"


# ------------------------------------------------------------------ payment-provider-outage


def test_payment_same_vendor_fallback_does_not_help(lib: Library) -> None:
    s = _at(lib, "payment-provider-outage", [(0, "enable-express-wallet")], until=30)
    wallet = s.node_view("payco-wallet")
    assert wallet.own == "up" and wallet.effective == "down"
    assert "payco-api" in wallet.depends_on
    assert _eff(s, "checkout") == "down"


def test_payment_independent_fallback_restores_checkout(lib: Library) -> None:
    s = _at(
        lib,
        "payment-provider-outage",
        [(0, "assess-payments"), (10, "switch-to-backup-psp")],
        until=45,
    )
    assert _eff(s, "checkout") == "up"
    # Cards stored at PayCo have no workaround: renewals wait for the vendor.
    assert _eff(s, "renewals") == "down"


def test_payment_vendor_eta_only_after_calling(lib: Library) -> None:
    assert "payco-eta" not in _fired(_at(lib, "payment-provider-outage", [], until=240))
    assert "payco-eta" in _fired(_at(lib, "payment-provider-outage", [(0, "call-payco")], until=40))


def test_payment_renewals_wait_for_a_rerun_after_payco_returns(lib: Library) -> None:
    s = _live(lib, "payment-provider-outage", [], until=150)
    assert _eff(s, "payco-api") == "up"
    assert _eff(s, "renewals") == "down", "the renewal run gave up; it does not restart itself"
    assert s.take("rerun-renewals").accepted
    s.advance(170)
    assert _eff(s, "renewals") == "up"
    ref = _reference(lib, "payment-provider-outage")
    assert _eff(ref, "renewals") == "up"


def test_payment_rerun_waits_for_payco(lib: Library) -> None:
    s = _live(lib, "payment-provider-outage", [], until=60)
    rec = s.take("rerun-renewals")
    assert not rec.accepted and "payco" in (rec.reason or "").lower()


def test_payment_team_cannot_fix_the_vendor(lib: Library) -> None:
    scenario = lib.loaded("payment-provider-outage").scenario
    assert scenario.node("payco-api").third_party
    # No action of the team brings the vendor back; only the vendor's own recovery does.
    assert all(e.node != "payco-api" for a in scenario.actions for e in a.effects)


# ------------------------------------------------------------------ office-isp-loss


def test_isp_backup_link_carries_the_site_degraded(lib: Library) -> None:
    s = _at(lib, "office-isp-loss", [(0, "assess-site-link"), (10, "enable-backup-link")], until=25)
    assert _eff(s, "wan") == "degraded"
    assert _eff(s, "tracking") == "degraded"


def test_isp_repairs_only_after_the_fault_is_reported(lib: Library) -> None:
    assert "fibre-repaired" not in _fired(_at(lib, "office-isp-loss", [], until=240))
    s = _at(lib, "office-isp-loss", [(0, "call-isp")], until=140)
    assert "fibre-repaired" in _fired(s) and _eff(s, "dispatch") == "up"


def test_isp_firewall_reset_blocks_the_backup_link(lib: Library) -> None:
    s = _live(
        lib, "office-isp-loss", [(0, "reset-site-firewall"), (0, "assess-site-link")], until=10
    )
    rec = s.take("enable-backup-link")
    assert not rec.accepted and "firewall" in (rec.reason or "").lower()


# ------------------------------------------------------------------ cert-expiry-cascade


def test_cascade_reaches_most_customers(lib: Library) -> None:
    scenario = lib.loaded("cert-expiry-cascade").scenario
    s = _at(lib, "cert-expiry-cascade", [], until=1)
    customer_facing = [n for n in scenario.nodes if n.users > 0]
    hit = [n for n in customer_facing if _eff(s, n.id) != "up"]
    assert len(hit) == len(customer_facing)
    # One node was set down; everything else followed through the graph.
    own_down = [n.id for n in scenario.nodes if s.node_view(n.id).own == "down"]
    assert own_down == ["internal-cert"]


def test_cascade_obvious_fixes_are_useless(lib: Library) -> None:
    s = _at(
        lib,
        "cert-expiry-cascade",
        [(0, "failover-database"), (0, "restart-all-services")],
        until=30,
    )
    assert _eff(s, "orders-db") == "down"
    assert _eff(s, "checkout") == "down"
    assert "failover-fences-primary" in _fired(s)


def test_cascade_one_fix_restores_everything(lib: Library) -> None:
    s = _at(
        lib, "cert-expiry-cascade", [(0, "find-root-cause"), (15, "renew-internal-cert")], until=36
    )
    scenario = lib.loaded("cert-expiry-cascade").scenario
    assert all(_eff(s, n.id) == "up" for n in scenario.nodes if n.users > 0)


def test_ransomware_puts_customers_at_risk_until_contained(lib: Library) -> None:
    late = _at(lib, "ransomware-attack", [(0, "assess-scope"), (30, "contain-intrusion")], until=60)
    assert late.node_view("customer-portal").own == "compromised"
    assert late.at_risk_minutes > 0
    assert _reference(lib, "ransomware-attack").at_risk_minutes == 0


def test_the_model_answer_leaves_nothing_latched(lib: Library, scenario_id: str) -> None:
    """A `recovers: manual` node the reference run knocks over is restarted by the reference."""
    sc = lib.loaded(scenario_id).scenario
    ref = _reference(lib, scenario_id)
    for node in (n for n in sc.nodes if n.recovers == "manual"):
        assert ref.node_view(node.id).own == "up", node.id


def test_manual_recovery_where_the_real_outage_needs_it(lib: Library) -> None:
    manual = {
        sid: {n.id for n in lib.loaded(sid).scenario.nodes if n.recovers == "manual"}
        for sid in lib.ids
    }
    assert manual == {
        "dc-power-loss": {"storage", "compute"},
        "ransomware-attack": set(),
        "payment-provider-outage": {"renewals"},
        "office-isp-loss": set(),
        "cert-expiry-cascade": set(),
    }
