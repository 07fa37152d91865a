"""The engine's period loop compiled with numba, for large batches of mixed columns.

:func:`repayplan.kernel.run` runs a batch period by period with one numpy operation per
step over all loans; a batch that mixes rate representations, day counts, methods,
frequencies and grace kinds needs some fifty such operations a period, and over 100,000
loans and 360 periods their passes over memory, not the arithmetic, are the cost.  This
module runs the same arithmetic loan by loan in compiled code (every loan's figures stay
in registers), term for term:

* interest ``round(B × R × m / RD)`` exactly in int64 when ``2 B R m < 2**62``; otherwise
  the float product, accepted only away from a rounding boundary (tolerance
  ``1e-7 + 1e-12 |x|``, as the numpy path);
* the level payment ``B ρ / (1 - (1 + ρ)^{-m})`` in floating point, accepted only away from
  a rounding boundary (tolerance ``1e-7 + 1e-11 |x|``), exact ``round(B / m)`` at 0 %;
* due dates and day numerators from the tables of
  :class:`repayplan.calendar.DueDateColumns`.

An interest near a rounding tie whose exact check passes int64 (a float-noise rate,
17 decimals, at a tie) is decided exactly in 128-bit integer arithmetic (two uint64
words).  A loan whose figure falls near a boundary beyond that (a level payment at a tie,
or numbers past 2**125) is *flagged*: the kernel stops it and
:func:`repayplan.kernel.run` runs the flagged loans again through the numpy path, which
settles such cases in exact rational arithmetic.  Results are therefore
bit-identical to the numpy path (the tests run both on the same loans).

numba is optional (``pip install "repayplan[fast]"``; the ``dev`` extra has it): without it
:func:`available` is false and every batch runs through the numpy loop, with the same
figures.

numba is imported when a large batch first needs it (``import repayplan`` stays light);
``cache=True`` keeps the compiled code between processes.  Without numba the numpy path
runs, with the same results.

Examples
--------
>>> available() in (True, False)
True
"""

from __future__ import annotations

import math

import numpy as np

try:  # an optional speed-up: without numba the numpy path of the kernel runs
    import numba
except ImportError:  # pragma: no cover - numba is a dependency
    numba = None  # type: ignore[assignment]

__all__ = ["available", "run_loans", "MODE_CODE"]

#: Integer codes of the rounding modes inside the compiled loop.
MODE_CODE = {"half_up": 0, "down": 1, "up": 2, "half_even": 3}


def available() -> bool:
    """Whether numba can be imported (the compiled loop is used only then).

    >>> isinstance(available(), bool)
    True
    """
    return numba is not None


def _njit(fn):
    """``numba.njit(cache=True)`` when numba is installed (else ``fn`` itself)."""
    return fn if numba is None else numba.njit(cache=True, error_model="numpy")(fn)


if True:  # the compiled functions, at module level so that numba can cache them

    @_njit
    def div_round(num, den, mode):
        # num >= 0, den > 0: unsigned division (no floor-sign fix-up, a third faster)
        if mode == 0:
            return np.int64(np.uint64(2 * num + den) // np.uint64(2 * den))
        q = np.int64(np.uint64(num) // np.uint64(den))
        r = num - q * den
        if mode == 1:
            return q
        if mode == 2:
            return q + 1 if r > 0 else q
        r2 = 2 * r
        if r2 > den or (r2 == den and q % 2 == 1):
            return q + 1
        return q

    @_njit
    def mul64(a, b):
        """The 128-bit product of two uint64 as (hi, lo)."""
        mask = np.uint64(0xFFFFFFFF)
        s32 = np.uint64(32)
        a_lo, a_hi = a & mask, a >> s32
        b_lo, b_hi = b & mask, b >> s32
        p0 = a_lo * b_lo
        p1 = a_lo * b_hi
        p2 = a_hi * b_lo
        p3 = a_hi * b_hi
        mid = (p0 >> s32) + (p1 & mask) + (p2 & mask)
        lo = (p0 & mask) | ((mid & mask) << s32)
        hi = p3 + (p1 >> s32) + (p2 >> s32) + (mid >> s32)
        return hi, lo

    @_njit
    def times_d(m, dh, dl):
        """``m × (dh · 2**62 + dl)`` as (hi, lo); the caller bounds it below 2**127."""
        h1, l1 = mul64(m, dl)
        h2, l2 = mul64(m, dh)  # below 2**66: shifted by 62 it stays within 128 bits
        s2 = np.uint64(2)
        s62 = np.uint64(62)
        sh_hi = (h2 << s62) | (l2 >> s2)
        sh_lo = l2 << s62
        lo = l1 + sh_lo
        carry = np.uint64(1) if lo < l1 else np.uint64(0)
        return h1 + sh_hi + carry, lo

    @_njit
    def cmp128(ah, al, bh, bl):
        if ah != bh:
            return 1 if ah > bh else -1
        if al != bl:
            return 1 if al > bl else -1
        return 0

    @_njit
    def tie128(B, b, mult, dh, dl, x, mode):
        """``round(B b mult / D)``, ``D = dh · 2**62 + dl``, near a tie, exactly in 128-bit
        integers; -1 where the numbers are too large for that (the numpy path decides)."""
        Bm_f = float(B) * float(mult)
        d_f = float(dh) * 4611686018427387904.0 + float(dl)
        if Bm_f >= 4.0e18 or Bm_f * float(b) >= 2.0**125 or (abs(x) + 2.0) * d_f * 2.0 >= 2.0**125:
            return np.int64(-1)
        Nh, Nl = mul64(np.uint64(B * mult), np.uint64(b))
        udh, udl = np.uint64(dh), np.uint64(dl)
        if mode == 0 or mode == 3:
            k = np.int64(math.floor(x))
            # compare 2N with (2k + 1) D
            Nh2 = (Nh << np.uint64(1)) | (Nl >> np.uint64(63))
            Nl2 = Nl << np.uint64(1)
            mh, ml = times_d(np.uint64(2 * k + 1), udh, udl)
            c = cmp128(Nh2, Nl2, mh, ml)
            if c > 0:
                return k + 1
            if c < 0:
                return k
            if mode == 0:
                return k + 1
            return k if k % 2 == 0 else k + 1
        k = np.int64(math.floor(x + 0.5))  # the integer x is near
        kh, kl = times_d(np.uint64(k), udh, udl)
        c = cmp128(Nh, Nl, kh, kl)
        if mode == 1:  # down
            return k if c >= 0 else k - 1
        return k if c <= 0 else k + 1  # up

    @_njit
    def loop(
        B0,
        N,
        G,
        deferral,
        M,
        method,
        given,
        base,
        pn,
        rd64,
        rd_f,
        pd_f,
        ev_ptr,
        ev_t,
        ev_base,
        ev_pn,
        ev_rd64,
        ev_rd_f,
        rd_hi,
        rd_lo,
        ev_rd_hi,
        ev_rd_lo,
        dcode,
        aa,
        days,
        by_days,
        step_d,
        step_m,
        midx,
        day0,
        firsts,
        last_day,
        roll,
        roll_kind,
        code,
        lo,
        aa_tab,
        aa_lo,
        imode,
        pmode,
        pos,
        keep,
        s_open,
        s_pay,
        s_int,
        s_prin,
        s_close,
        out_reg,
        out_nrows,
        out_ti,
        out_tp,
        out_tpay,
        out_last,
        flag,
        fl_t,
        fl_B,
        fl_mm,
        fl_pn,
        run_mask,
        ov_ptr,
        ov_t,
        ov_pay,
    ):
        n = B0.shape[0]
        two62 = 4611686018427387904.0
        only = run_mask.shape[0] == n  # else every loan runs
        for i in range(n):
            if only and not run_mask[i]:
                continue
            bal = B0[i]
            Ni, Gi, Mi, meth = N[i], G[i], M[i], method[i]
            gv = given[i]
            pay_reg = gv if gv >= 0 else 0
            pay_first = pay_reg
            ep_part = np.int64(0)
            first_reg = np.int64(0)
            nrows = 0
            ti = np.int64(0)
            tp = np.int64(0)
            tpay = np.int64(0)
            last = np.int64(0)
            b_i = base[i]
            pn_i = pn[i]
            rd = rd64[i]
            rdf = rd_f[i]
            e = ev_ptr[i]
            e_end = ev_ptr[i + 1]
            dc = dcode[i]
            prev = 0
            if dc > 0:
                prev = days[i]
                if aa[i]:
                    prev = aa_tab[prev - aa_lo]
            p = pos[i]
            bad = False
            why = 2  # what stopped the loan: 1 a level payment near a tie, 2 anything else
            for t in range(Ni):
                changed = False
                while e < e_end and ev_t[e] == t:
                    b_i = ev_base[e]
                    pn_i = ev_pn[e]
                    rd = ev_rd64[e]
                    rdf = ev_rd_f[e]
                    changed = True
                    e += 1
                mult = 1
                if dc > 0:
                    kk = t + 1
                    if by_days[i]:
                        d = days[i] + step_d[i] * kk
                    else:
                        m = midx[i] + step_m[i] * kk
                        d = min(last_day[m], day0[i]) + firsts[m]
                    if roll_kind == 1:
                        d = roll[d - lo]
                    elif roll_kind == 2:
                        d = roll[d + code[i]]
                    if aa[i]:
                        d = aa_tab[d - aa_lo]
                    mult = d - prev
                    prev = d
                B = bal
                interest = np.int64(0)
                if B > 0:
                    if rd > 0 and float(B) * float(b_i) * float(mult) < two62 / 2:
                        interest = div_round(B * b_i * mult, rd, imode)
                    else:
                        x = float(B) * ((float(b_i) / rdf) * float(mult))
                        if imode == 0 or imode == 3:
                            y = x + 0.5
                            q = math.floor(y)
                            dd = y - q
                        else:
                            q = math.floor(x) if imode == 1 else math.ceil(x)
                            dd = x - math.floor(x)
                        tol = 1e-7 + x * 1e-12
                        if dd < tol or dd > 1 - tol or x > 2.0**50:
                            # a near tie beyond int64: decided exactly in 128 bits
                            hi, lo = rd_hi[i], rd_lo[i]
                            if e > ev_ptr[i]:
                                hi, lo = ev_rd_hi[e - 1], ev_rd_lo[e - 1]
                            exact = tie128(B, b_i, mult, hi, lo, x, imode)
                            if exact < 0:
                                bad = True
                                break
                            interest = exact
                        else:
                            interest = np.int64(q)
                if (Gi == t) or (changed and Gi < t):
                    if meth == 0 and gv < 0:
                        mm = Mi - t
                        if pn_i == 0:
                            pay_reg = div_round(B, mm, pmode)
                        else:
                            rho = float(pn_i) / pd_f[i]
                            x = float(B) * rho / -math.expm1(-mm * math.log1p(rho))
                            fr = x - math.floor(x)
                            tol = 1e-7 + abs(x) * 1e-11
                            if pmode == 0 or pmode == 3:
                                risky = abs(fr - 0.5) < tol
                            else:
                                risky = fr < tol or fr > 1 - tol
                            if risky or abs(x) > 2.0**50:
                                # decided exactly by the caller (run_loans) and given back
                                # as an override of this period's payment
                                found = False
                                for o in range(ov_ptr[i], ov_ptr[i + 1]):
                                    if ov_t[o] == t:
                                        pay_reg = ov_pay[o]
                                        found = True
                                if not found:
                                    bad = True
                                    why = 1
                                    fl_t[i], fl_B[i], fl_mm[i], fl_pn[i] = t, B, mm, pn_i
                                    break
                            elif pmode == 1:
                                pay_reg = np.int64(math.floor(x))
                            elif pmode == 2:
                                pay_reg = np.int64(math.ceil(x))
                            else:
                                pay_reg = np.int64(math.floor(x + 0.5))
                    if Gi == t:
                        pay_first = pay_reg
                        if meth == 1:
                            ep_part = div_round(B, Mi - t, pmode)
                if meth == 0:
                    principal = pay_reg - interest
                elif meth == 1:
                    principal = ep_part
                else:
                    principal = 0
                in_grace = Gi > t
                if in_grace:
                    principal = -interest if deferral[i] else 0
                payoff = (principal >= B) and not in_grace
                if Ni == t + 1:
                    payoff = True
                if payoff:
                    principal = B
                payment = interest + principal
                new_bal = B - principal
                if keep:  # only the kept columns (the others are 1 × 1 placeholders)
                    if s_open.shape[0] > 1:
                        s_open[t, p] = B
                    if s_pay.shape[0] > 1:
                        s_pay[t, p] = payment
                    if s_int.shape[0] > 1:
                        s_int[t, p] = interest
                    if s_prin.shape[0] > 1:
                        s_prin[t, p] = principal
                    if s_close.shape[0] > 1:
                        s_close[t, p] = new_bal
                ti += interest
                tp += principal
                tpay += payment
                if B > 0:
                    nrows += 1
                    if payoff:
                        last = payment
                if Gi == t:
                    first_reg = payment
                bal = new_bal
                if bal == 0:
                    break  # repaid: every later row is zero (the kept columns start zeroed)
            if bad:
                flag[i] = why
                continue
            flag[i] = 0
            out_reg[i] = pay_first if meth == 0 else first_reg
            out_nrows[i] = nrows
            out_ti[i] = ti
            out_tp[i] = tp
            out_tpay[i] = tpay
            out_last[i] = last


def _limbs(d) -> tuple[np.ndarray, np.ndarray]:
    """Positive integers (below ``2**124``) as int64 pairs ``(hi, lo)``, ``d = hi * 2**62 + lo``."""
    d = np.asarray(d)
    if d.dtype != object:
        d = d.astype(np.int64)
        return np.ascontiguousarray(d >> 62), np.ascontiguousarray(d & (2**62 - 1))
    # Python integers: those below 2**62 (most) converted at once, the others one by one
    small = d.astype(float) < 2.0**62
    hi = np.zeros(d.shape, np.int64)
    lo = np.zeros(d.shape, np.int64)
    lo[small] = d[small].astype(np.int64)
    big = d[~small]
    if big.size:
        hi[~small] = (big >> 62).astype(np.int64)
        lo[~small] = (big & (2**62 - 1)).astype(np.int64)
    return hi, lo


def run_loans(args: dict, store: dict | None, T: int, n: int) -> dict:
    """Run the compiled loop over the loans described by ``args`` (see
    :func:`repayplan.kernel.run`, which builds them), filling ``store`` (the kept row
    columns, periods × loans in the kernel's sorted order) when given.

    Returns the per-loan totals in the batch's order and ``flag``, the loans the loop left
    to the exact numpy path.

    >>> import numpy as np
    >>> if available():
    ...     one = np.ones(1, np.int64)
    ...     z = np.zeros(1, np.int64)
    ...     a = dict(B0=np.array([120_000]), N=np.array([12]), G=z, deferral=np.zeros(1, bool),
    ...              M=np.array([12]), method=z, given=-one, base=np.array([12]), pn=np.array([12]),
    ...              rd64=np.array([1200]), rd_f=np.array([1200.0]), pd_f=np.array([1200.0]),
    ...              ev_ptr=np.zeros(2, np.int64), ev_t=z, ev_base=z, ev_pn=z,
    ...              ev_rd64=z, ev_rd_f=np.ones(1), rd=np.array([1200]), ev_rd=one,
    ...              dcode=np.zeros(1, np.int8), imode=0, pmode=0, pos=z)
    ...     out = run_loans(a, None, 12, 1)              # 1,200.00 at 1 % a month, 12 months
    ...     print(out["payment"].tolist(), out["tot_interest"].tolist())
    ... else:
    ...     print([10662], [7942])
    [10662] [7942]
    >>> import repayplan as rp                              # what amortize gives
    >>> s = rp.amortize(1200, 0.12, 12); s.payment, s.total_interest
    (Decimal('106.62'), Decimal('79.42'))
    """
    i64 = np.int64
    z1 = np.zeros(1, i64)
    dates = args.get("dates") or {}
    keep = store is not None
    cols = ("opening_balance", "payment", "interest", "principal", "closing_balance")
    dummy = np.zeros((1, 1), i64)
    st = [store[c] if c in store else dummy for c in cols] if store is not None else [dummy] * 5
    kept = st
    if T == 1:  # the loop tells a kept column from a placeholder by its rows: give it two
        st = [s if s is dummy else np.zeros((2, n), i64) for s in kept]
    out = {
        "payment": np.zeros(n, i64),
        "nrows": np.zeros(n, i64),
        "tot_interest": np.zeros(n, i64),
        "tot_principal": np.zeros(n, i64),
        "tot_payment": np.zeros(n, i64),
        "last_payment": np.zeros(n, i64),
        "flag": np.zeros(n, np.int8),
    }
    fl = [np.zeros(n, i64) for _ in range(4)]  # period, balance, periods left, rate numerator
    run_mask: np.ndarray = np.zeros(0, np.bool_)  # empty: every loan runs
    ov_ptr, ov_t, ov_pay = np.zeros(n + 1, i64), z1, z1
    overrides: dict[int, list[tuple[int, int]]] = {}
    for _round in range(_MAX_OVERRIDE_ROUNDS + 1):
        _call_loop(args, dates, keep, st, out, fl, run_mask, ov_ptr, ov_t, ov_pay)
        near = np.flatnonzero(out["flag"] == 1)
        if not near.size or _round == _MAX_OVERRIDE_ROUNDS or "pd" not in args:
            break
        # a level payment near a rounding tie: decided in exact rational arithmetic here,
        # and the loan run again with it (only the loans concerned)
        pd_exact = np.asarray(args["pd"])
        for i in near.tolist():
            P = level_exact(
                int(fl[1][i]), int(fl[3][i]), int(pd_exact[i]), int(fl[2][i]), args["pmode"]
            )
            overrides.setdefault(i, []).append((int(fl[0][i]), P))
        counts = np.zeros(n, i64)
        for i, lst in overrides.items():
            counts[i] = len(lst)
        ov_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(i64)
        ov_t = np.zeros(max(1, int(counts.sum())), i64)
        ov_pay = np.zeros_like(ov_t)
        for i, lst in overrides.items():
            for k, (t, P) in enumerate(lst):
                ov_t[ov_ptr[i] + k], ov_pay[ov_ptr[i] + k] = t, P
        run_mask = np.asarray(out["flag"] == 1)
    if T == 1:
        for s_kept, s_run in zip(kept, st, strict=True):
            if s_kept is not dummy:
                s_kept[0] = s_run[0]
    out["flag"] = out["flag"] != 0
    return out


#: How many times a batch is run again for loans whose level payment fell near a rounding
#: tie (each round settles at least one such payment of each loan; a loan still open after
#: them is left to the numpy path).
_MAX_OVERRIDE_ROUNDS = 8


def level_exact(B: int, num: int, den: int, m: int, mode) -> int:
    """The level payment ``B ρ (1+ρ)^m / ((1+ρ)^m − 1)``, ``ρ = num/den``, rounded by
    ``mode`` in exact rational arithmetic (what the numpy path does near a tie).

    >>> level_exact(100_000, 1, 100, 12, "half_up")   # 1,000.00 at 1 % a month, 12 months
    8885
    """
    from fractions import Fraction

    from . import money

    if isinstance(mode, (int, np.integer)):
        mode = {v: k for k, v in MODE_CODE.items()}[int(mode)]
    if num == 0:
        return int(money.div_round(B, m, mode))
    rho = Fraction(num, den)
    growth = (1 + rho) ** m
    x = B * rho * growth / (growth - 1)
    return int(money.div_round(x.numerator, x.denominator, mode))


def _call_loop(args, dates, keep, st, out, fl, run_mask, ov_ptr, ov_t, ov_pay) -> None:
    i64 = np.int64
    z1 = np.zeros(1, i64)
    zb = np.zeros(1, np.bool_)
    loop(
        np.ascontiguousarray(args["B0"], i64),
        np.ascontiguousarray(args["N"], i64),
        np.ascontiguousarray(args["G"], i64),
        np.ascontiguousarray(args["deferral"], np.bool_),
        np.ascontiguousarray(args["M"], i64),
        np.ascontiguousarray(args["method"], i64),
        np.ascontiguousarray(args["given"], i64),
        np.ascontiguousarray(args["base"], i64),
        np.ascontiguousarray(args["pn"], i64),
        np.ascontiguousarray(args["rd64"], i64),
        np.ascontiguousarray(args["rd_f"], np.float64),
        np.ascontiguousarray(args["pd_f"], np.float64),
        np.ascontiguousarray(args["ev_ptr"], i64),
        np.ascontiguousarray(args["ev_t"], i64),
        np.ascontiguousarray(args["ev_base"], i64),
        np.ascontiguousarray(args["ev_pn"], i64),
        np.ascontiguousarray(args["ev_rd64"], i64),
        np.ascontiguousarray(args["ev_rd_f"], np.float64),
        *(args["rd_limbs"] if args.get("rd_limbs") is not None else _limbs(args["rd"])),
        *_limbs(args["ev_rd"]),
        np.ascontiguousarray(args["dcode"], np.int8),
        np.ascontiguousarray(dates.get("aa", zb), np.bool_),
        np.ascontiguousarray(dates.get("days", z1), i64),
        np.ascontiguousarray(dates.get("by_days", zb), np.bool_),
        np.ascontiguousarray(dates.get("step_d", z1), i64),
        np.ascontiguousarray(dates.get("step_m", z1), i64),
        np.ascontiguousarray(dates.get("midx", z1), i64),
        np.ascontiguousarray(dates.get("day0", z1), i64),
        np.ascontiguousarray(dates.get("firsts", z1), i64),
        np.ascontiguousarray(dates.get("last_day", z1), i64),
        np.ascontiguousarray(dates.get("roll", z1), i64),
        int(dates.get("roll_kind", 0)),
        np.ascontiguousarray(dates.get("code", z1), i64),
        int(dates.get("lo", 0)),
        np.ascontiguousarray(dates.get("aa_tab", z1), i64),
        int(dates.get("aa_lo", 0)),
        MODE_CODE[args["imode"]] if isinstance(args["imode"], str) else int(args["imode"]),
        MODE_CODE[args["pmode"]] if isinstance(args["pmode"], str) else int(args["pmode"]),
        np.ascontiguousarray(args["pos"], i64),
        keep,
        *st,
        out["payment"],
        out["nrows"],
        out["tot_interest"],
        out["tot_principal"],
        out["tot_payment"],
        out["last_payment"],
        out["flag"],
        *fl,
        run_mask,
        ov_ptr,
        ov_t,
        ov_pay,
    )
