# One image for every Jobsight service; docker-compose.yml picks the service per container.
FROM python:3.11-slim
WORKDIR /app
# Runtime pins only: test and benchmark tools (requirements-dev.lock) stay out of the image.
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY jobsight ./jobsight
COPY services ./services
COPY migrations ./migrations
COPY config.yml ./
RUN pip install --no-cache-dir --no-deps -e .
ENV PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore
CMD ["nameko", "run", "--config", "config.yml", "services.gateway"]
