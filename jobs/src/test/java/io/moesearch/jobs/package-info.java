/** Tests of the jobs module as a whole: its shaded job jar and the docker-compose cluster file. */
package io.moesearch.jobs;
