// A deliberately non-synthesizable "kernel": every construct the HLS lint must
// reject appears at least once. Not compiled; only read by hls_lint.py.
#include <vector>

struct Shape {
    virtual int area() const { return 0; }
};

static int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

extern "C" void bad_kernel(const int* in, int* out, int n) {
    int* scratch = new int[n];
    std::vector<int> v(in, in + n);
    for (int i = 0; i < n; ++i) scratch[i] = v[i];
    int i = 0;
    while (i < n) {
        out[i] = fact(scratch[i]);
        ++i;
    }
    if (n < 0) throw 1;
    delete[] scratch;
}
