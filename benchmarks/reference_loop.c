/* A compiled reference for the engine's rounded-row level schedule (benchmarks only).
 *
 * The same arithmetic as repayplan's kernel on its common case: balance in int64 minor
 * units, periodic rate num/den exact, interest round-half-up(B * num / den), the level
 * payment round-half-up of B rho / (1 - (1 + rho)^-n) in double precision (the benchmark
 * checks the figures equal the engine's before timing), the last payment clearing the
 * balance.  Built with gcc at benchmark time and called through ctypes.
 */
#include <math.h>
#include <stdint.h>

static int64_t level_payment(int64_t B, int64_t num, int64_t den, int64_t n) {
    if (num == 0) return (2 * B + n) / (2 * n);
    double rho = (double)num / (double)den;
    double x = (double)B * rho / -expm1(-(double)n * log1p(rho));
    return (int64_t)floor(x + 0.5);
}

/* One schedule: fills interest[] and principal[]; returns the number of rows. */
int64_t level_schedule(int64_t B, int64_t num, int64_t den, int64_t n,
                       int64_t *interest, int64_t *principal, int64_t *payment_out) {
    int64_t P = level_payment(B, num, den, n);
    int64_t t;
    *payment_out = P;
    for (t = 0; t < n; t++) {
        int64_t i = (2 * B * num + den) / (2 * den);
        int64_t p = P - i;
        if (p >= B || t == n - 1) p = B;
        interest[t] = i;
        principal[t] = p;
        B -= p;
        if (B == 0) return t + 1;
    }
    return n;
}

/* Many loans: the regular payment, total interest and rows of each. */
void level_batch(int64_t m, const int64_t *B0, const int64_t *num, const int64_t *den,
                 const int64_t *periods, int64_t *payment, int64_t *total_interest,
                 int64_t *rows) {
    int64_t j;
    for (j = 0; j < m; j++) {
        int64_t B = B0[j], n = periods[j], nu = num[j], de = den[j];
        int64_t P = level_payment(B, nu, de, n), tot = 0, t;
        payment[j] = P;
        for (t = 0; t < n; t++) {
            int64_t i = (2 * B * nu + de) / (2 * de);
            int64_t p = P - i;
            if (p >= B || t == n - 1) p = B;
            tot += i;
            B -= p;
            if (B == 0) { t++; break; }
        }
        total_interest[j] = tot;
        rows[j] = t;
    }
}
