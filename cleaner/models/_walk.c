/* The tree walk of cleaner.models.trees in C: the same steps, the same sums in the same order, so
 * the same floats as the numpy walk (`Trees._walk`), which stays the fallback when
 * this module is not built. Built by setuptools as an optional extension (`cleaner.models._walk`).
 *
 * The node tables are the walk's renumbered ones (`Trees.__post_init__`): a step is
 * `child[node] + (x[feature[node]] > split[node])`, a leaf steps into a copy of itself that is its
 * own child (split +inf), so every row takes exactly `depth` steps. Indices are trusted: the tables
 * are built by `Trees` from a checked model file, and the Python caller checks every buffer's size.
 *
 * One call walks every row through every tree. Rows go in blocks of BLOCK, walked side by side in
 * each tree: a step waits on the load before it, and eight independent rows keep the core busy. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BLOCK 8

/* numpy's pairwise summation of float64 (`np.add.reduce` over a contiguous axis): eight
 * accumulators over blocks of up to 128 values, halves above that, so that the raw score is the
 * same float as `value[leaves].sum(axis=1)`. */
static double pairwise_sum(const double *a, Py_ssize_t n)
{
    if (n < 8) {
        double res = -0.0;
        for (Py_ssize_t i = 0; i < n; i++) {
            res += a[i];
        }
        return res;
    }
    if (n <= 128) {
        double r[8];
        Py_ssize_t i;
        for (int j = 0; j < 8; j++) {
            r[j] = a[j];
        }
        for (i = 8; i < n - (n % 8); i += 8) {
            for (int j = 0; j < 8; j++) {
                r[j] += a[i + j];
            }
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) {
            res += a[i];
        }
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

typedef struct {
    const int32_t *feature;
    const double *split;
    const int32_t *child;
    const double *value;
    const double *step;
    const int32_t *roots;
    Py_ssize_t trees;
    int depth;
    const double *x;
    Py_ssize_t rows;
    Py_ssize_t width;
    double *raw;     /* rows: sum of the leaves' values (no base) */
    double *contrib; /* rows x width, added to; or NULL */
    double *leafval; /* scratch: BLOCK x trees */
    double *levels;  /* scratch: BLOCK x depth x width, or NULL without contrib */
} Walk;

static void walk_block(const Walk *w, Py_ssize_t r0, int k_rows)
{
    const double *row[BLOCK];
    int32_t node[BLOCK];
    const Py_ssize_t width = w->width, trees = w->trees;
    const int depth = w->depth;
    for (int k = 0; k < k_rows; k++) {
        row[k] = w->x + (r0 + k) * width;
    }
    if (w->levels != NULL) {
        memset(w->levels, 0, sizeof(double) * (size_t)BLOCK * (size_t)depth * (size_t)width);
    }
    for (Py_ssize_t t = 0; t < trees; t++) {
        const int32_t root = w->roots[t];
        for (int k = 0; k < k_rows; k++) {
            node[k] = root;
        }
        for (int d = 0; d < depth; d++) {
            for (int k = 0; k < k_rows; k++) {
                const int32_t n = node[k];
                const int32_t f = w->feature[n];
                const int32_t next = w->child[n] + (row[k][f] > w->split[n]);
                if (w->levels != NULL) {
                    /* the level's bincount: each (row, feature) cell sums its trees' steps in tree order */
                    w->levels[((Py_ssize_t)k * depth + d) * width + f] += w->step[next];
                }
                node[k] = next;
            }
        }
        for (int k = 0; k < k_rows; k++) {
            w->leafval[(Py_ssize_t)k * trees + t] = w->value[node[k]];
        }
    }
    for (int k = 0; k < k_rows; k++) {
        w->raw[r0 + k] = pairwise_sum(w->leafval + (Py_ssize_t)k * trees, trees);
        if (w->contrib != NULL) {
            /* `contrib += level` for each level in turn, zeros included, as the numpy walk adds them */
            double *out = w->contrib + (r0 + k) * width;
            for (int d = 0; d < depth; d++) {
                const double *lv = w->levels + ((Py_ssize_t)k * depth + d) * width;
                for (Py_ssize_t f = 0; f < width; f++) {
                    out[f] += lv[f];
                }
            }
        }
    }
}

static int need(Py_buffer *b, Py_ssize_t items, Py_ssize_t itemsize, const char *name)
{
    if (b->len != items * itemsize) {
        PyErr_Format(PyExc_ValueError, "walk: %s holds %zd bytes, expected %zd", name, b->len, items * itemsize);
        return 0;
    }
    return 1;
}

/* walk(feature, split, child, value, step, roots, depth, width, x, raw, contrib)
 * feature, child, roots: int32; split, value, step, x (rows x width), raw, contrib: float64.
 * contrib may be None. Every buffer C-contiguous. */
static PyObject *walk(PyObject *self, PyObject *args)
{
    Py_buffer feature, split, child, value, step, roots, x, raw;
    Py_buffer contrib = {0};
    PyObject *contrib_obj;
    int depth;
    Py_ssize_t width;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*iny*w*O", &feature, &split, &child, &value, &step, &roots, &depth,
                          &width, &x, &raw, &contrib_obj)) {
        return NULL;
    }
    PyObject *result = NULL;
    int have_contrib = 0;
    double *leafval = NULL, *levels = NULL;
    if (contrib_obj != Py_None) {
        if (PyObject_GetBuffer(contrib_obj, &contrib, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) {
            goto done;
        }
        have_contrib = 1;
    }
    if (depth < 0 || width <= 0) {
        PyErr_SetString(PyExc_ValueError, "walk: depth must be >= 0 and width > 0");
        goto done;
    }
    const Py_ssize_t nodes = feature.len / 4, trees = roots.len / 4, rows = x.len / 8 / width;
    if (!need(&feature, nodes, 4, "feature") || !need(&split, nodes, 8, "split") || !need(&child, nodes, 4, "child") ||
        !need(&value, nodes, 8, "value") || !need(&step, nodes, 8, "step") || !need(&roots, trees, 4, "roots") ||
        !need(&x, rows * width, 8, "x") || !need(&raw, rows, 8, "raw") ||
        (have_contrib && !need(&contrib, rows * width, 8, "contrib"))) {
        goto done;
    }
    leafval = PyMem_Malloc(sizeof(double) * (size_t)BLOCK * (size_t)(trees > 0 ? trees : 1));
    if (have_contrib) {
        levels = PyMem_Malloc(sizeof(double) * (size_t)BLOCK * (size_t)(depth > 0 ? depth : 1) * (size_t)width);
    }
    if (leafval == NULL || (have_contrib && levels == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    Walk w = {
        feature.buf, split.buf,   child.buf, value.buf, step.buf, roots.buf,
        trees,       depth,       x.buf,     rows,      width,    raw.buf,
        have_contrib ? contrib.buf : NULL, leafval, levels,
    };
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r0 = 0; r0 < rows; r0 += BLOCK) {
        walk_block(&w, r0, (int)(rows - r0 < BLOCK ? rows - r0 : BLOCK));
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(leafval);
    PyMem_Free(levels);
    if (have_contrib) {
        PyBuffer_Release(&contrib);
    }
    PyBuffer_Release(&feature);
    PyBuffer_Release(&split);
    PyBuffer_Release(&child);
    PyBuffer_Release(&value);
    PyBuffer_Release(&step);
    PyBuffer_Release(&roots);
    PyBuffer_Release(&x);
    PyBuffer_Release(&raw);
    return result;
}

static PyMethodDef methods[] = {
    {"walk", walk, METH_VARARGS, "Walk rows through a renumbered tree ensemble (see cleaner.models.trees)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_walk", NULL, -1, methods};

PyMODINIT_FUNC PyInit__walk(void)
{
    return PyModule_Create(&module);
}
