"""The exercise app: a small Flask service with pandas and matplotlib.

Its heavy scientific dependencies (numpy, pandas, matplotlib) are what make the image large,
and what a multi-stage build keeps out of the way of the build tools.
"""

import io
import platform

import matplotlib

matplotlib.use("Agg")  # no display in a container

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from flask import Flask, jsonify, send_file  # noqa: E402

app = Flask(__name__)


def make_frame(rows: int = 100, seed: int = 42) -> pd.DataFrame:
    """A DataFrame of random measurements, the same for the same seed."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": np.arange(rows),
            "temperature": rng.normal(20.0, 5.0, rows).round(2),
            "humidity": rng.uniform(30.0, 90.0, rows).round(2),
        }
    )


@app.get("/status")
def status():
    return jsonify(status="ok")


@app.get("/info")
def info():
    frame = make_frame()
    summary = frame[["temperature", "humidity"]].describe().round(3)
    return jsonify(
        python=platform.python_version(),
        pandas=pd.__version__,
        matplotlib=matplotlib.__version__,
        numpy=np.__version__,
        dataframe={
            "rows": int(frame.shape[0]),
            "columns": list(frame.columns),
            "summary": summary.to_dict(),
        },
    )


@app.get("/plot")
def plot():
    frame = make_frame()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(frame["x"], frame["temperature"], label="temperature")
    ax.plot(frame["x"], frame["humidity"], label="humidity")
    ax.set_xlabel("sample")
    ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return send_file(buf, mimetype="image/png")


if __name__ == "__main__":
    # Development server only; the Dockerfile's TODO 7 replaces this with gunicorn.
    app.run(host="0.0.0.0", port=5000)
